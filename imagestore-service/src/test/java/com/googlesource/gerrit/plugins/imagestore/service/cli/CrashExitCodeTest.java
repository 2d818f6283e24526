// Copyright (C) 2026 The imagestore Authors
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import static com.google.common.truth.Truth.assertThat;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * A command that crashes exits with a code of its own (70), not 1, which {@code diff} and {@code
 * workflow} use for images that differ, so a script cannot take a crash for a failed comparison.
 */
class CrashExitCodeTest {
  @Command(name = "crashing")
  static final class Crashing implements Callable<Integer> {
    @Parameters(index = "0")
    String how;

    @Override
    public Integer call() {
      switch (how) {
        case "error" -> throw new OutOfMemoryError("Java heap space");
        case "exception" -> throw new IllegalStateException("a bug");
        default -> {
          return 1;
        }
      }
    }
  }

  @Test
  void anErrorExitsWithTheCrashCode() {
    assertThat(ImagestoreCommand.run(new CommandLine(new Crashing()), "error")).isEqualTo(70);
  }

  @Test
  void anExceptionExitsWithTheCrashCode() {
    assertThat(ImagestoreCommand.run(new CommandLine(new Crashing()), "exception")).isEqualTo(70);
  }

  @Test
  void theCommandsOwnCodesStay() {
    assertThat(ImagestoreCommand.run(new CommandLine(new Crashing()), "differ")).isEqualTo(1);
    assertThat(ImagestoreCommand.EXIT_CRASH).isNotEqualTo(1);
  }
}
