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

package com.googlesource.gerrit.plugins.imagestore.service.crash;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.googlesource.gerrit.plugins.imagestore.service.testing.ServiceJar;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service stopped as an operator stops it (SIGTERM) marks its embedded database closed, so the
 * next start does not read every table for what a crash left. (H2's own shutdown hook closed the
 * database before the service's did, which then took it for a database H2 had stopped.)
 */
class CleanStopIT {
  @TempDir Path dir;

  @Test
  void aTerminatedServiceMarksItsDatabaseClosedAndTheNextStartDoesNotScanIt() throws Exception {
    ServiceJar jar = new ServiceJar(Files.createDirectories(dir.resolve("data")), null);
    Path log = dir.resolve("service.log");
    Path marker = jar.data().resolve("db").resolve("imagestore.closed");
    for (int start = 1; start <= 2; start++) {
      ServiceJar.Server server = jar.serve(log);
      assertThat(Files.exists(marker)).isFalse(); // deleted at open
      server.stop();
      String out = Files.readString(log);
      assertWithMessage(out).that(server.process().exitValue()).isEqualTo(143); // SIGTERM
      assertWithMessage(out).that(Files.exists(marker)).isTrue();
      assertWithMessage(out).that(out).doesNotContain("SEVERE");
    }
    // The first start found a new database, the second one the marker: neither read it all.
    assertThat(Files.readString(log)).doesNotContain("the database was not closed");
  }
}
