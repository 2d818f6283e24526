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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A full disk is an outage (503 storage_full), not a bug: space comes back. */
class UnavailableTest {
  @Test
  void aFullDiskIsAnOutage() {
    // /dev/full answers every write with ENOSPC: the exception the JDK really throws.
    IOException full =
        assertThrows(IOException.class, () -> Files.write(Path.of("/dev/full"), new byte[4096]));
    assertThat(Unavailable.of(new UncheckedIOException(full))).isEqualTo(Unavailable.DISK_FULL);
    assertThat(Unavailable.of(new IOException("Permission denied"))).isNull();
  }
}
