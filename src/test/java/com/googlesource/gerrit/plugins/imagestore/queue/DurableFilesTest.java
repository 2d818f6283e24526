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

package com.googlesource.gerrit.plugins.imagestore.queue;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The atomic and durable write of the plugin's files, on the real file system. */
public class DurableFilesTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static String[] names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  public void writeCreatesAndReplacesTheWholeFileAndLeavesNoTemporaryFile() throws Exception {
    Path dir = tmp.getRoot().toPath();
    Path file = dir.resolve("state.json");
    DurableFiles.write(file, "{\"a\":1}");
    assertThat(Files.readString(file, UTF_8)).isEqualTo("{\"a\":1}");
    DurableFiles.write(file, "{\"ä\":2}");
    assertThat(Files.readString(file, UTF_8)).isEqualTo("{\"ä\":2}");
    assertThat(names(dir)).asList().containsExactly("state.json");
  }

  @Test
  public void aTemporaryFileLeftByACrashIsOverwrittenAndCleanedAtStart() throws Exception {
    Path dir = tmp.getRoot().toPath();
    Path file = dir.resolve("job.json");
    // A crash before the rename leaves the temporary file, maybe empty or half written.
    Files.writeString(DurableFiles.tempOf(file), "{\"half");
    Files.writeString(dir.resolve(".other.json.tmp"), "");
    Files.writeString(dir.resolve("kept.json"), "{}");
    Files.writeString(dir.resolve("kept.tmp"), "not ours: no leading dot");
    DurableFiles.write(file, "{}");
    assertThat(Files.readString(file, UTF_8)).isEqualTo("{}");

    assertThat(DurableFiles.deleteStaleTemps(dir)).isEqualTo(1);
    assertThat(names(dir)).asList().containsExactly("job.json", "kept.json", "kept.tmp");
  }

  @Test
  public void syncingADirectoryThatCannotBeOpenedIsTolerated() throws Exception {
    // Linux flushes real directories; a missing one stands for a file system that refuses.
    DurableFiles.syncDirectory(tmp.getRoot().toPath());
    DurableFiles.syncDirectory(tmp.getRoot().toPath().resolve("missing"));
  }
}
