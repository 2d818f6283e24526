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

package com.googlesource.gerrit.plugins.imagestore.service.db;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.cli.ImagestoreCommand;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database is private: no network port (another process is refused with a clear
 * message), 0700 directories, 0600 files, a password of its own.
 */
class EmbeddedDatabaseTest {
  @TempDir Path tmp;

  @Test
  void urlOpensNoServer() {
    assertThat(Database.embeddedUrl(tmp)).doesNotContain("AUTO_SERVER");
  }

  @Test
  void theDataIsPrivateAndTheDatabaseHasAPassword() throws Exception {
    Path data = tmp.resolve("data");
    try (Imagestore store = Imagestore.open(ServiceConfig.defaults().withDataDir(data))) {
      assertThat(permissions(data)).isEqualTo("rwx------");
      assertThat(permissions(data.resolve("db"))).isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(data.resolve("db"))) {
        List<Path> all = files.toList();
        assertThat(all).contains(data.resolve("db/credentials"));
        assertThat(all).contains(data.resolve("db/imagestore.mv.db"));
        for (Path f : all) {
          assertWithMessage(f.toString()).that(permissions(f)).isEqualTo("rw-------");
        }
      }
    }
    // Without the password, nobody gets in (the empty account of old databases is gone).
    SQLException refused =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection(Database.embeddedUrl(data), "", "").close());
    assertThat(refused.getErrorCode()).isEqualTo(28000); // wrong user name or password
    // Every open uses the same password.
    try (Imagestore again = Imagestore.open(ServiceConfig.defaults().withDataDir(data))) {
      assertThat(again.users().list()).isEmpty();
    }
  }

  @Test
  void aDatabaseFromBeforeGetsAPasswordAtItsFirstOpen() throws Exception {
    Path data = tmp.resolve("old");
    Files.createDirectories(data.resolve("db"));
    // As every version before created it: no user name, no password, world-readable.
    try (Database old = Database.open(Database.embeddedUrl(data), null, null, 2)) {
      old.read(c -> c.createStatement().execute("CREATE TABLE before (x INT)"));
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Imagestore store = Imagestore.open(ServiceConfig.defaults().withDataDir(data))) {
      assertThat(permissions(data)).isEqualTo("rwx------");
      assertThat(permissions(data.resolve("db/imagestore.mv.db"))).isEqualTo("rw-------");
    }
    assertThrows(
        SQLException.class,
        () -> DriverManager.getConnection(Database.embeddedUrl(data), "", "").close());
    EmbeddedDatabase.Credentials credentials = EmbeddedDatabase.prepare(data);
    try (Connection c =
        DriverManager.getConnection(
            Database.embeddedUrl(data), credentials.user(), credentials.password())) {
      c.createStatement().execute("SELECT * FROM before");
    }
  }

  /** A command in another process while the service has the database: refused, and told why. */
  @Test
  void anotherProcessIsRefusedWithAClearMessage() throws Exception {
    Path data = tmp.resolve("busy");
    try (Imagestore store = Imagestore.open(ServiceConfig.defaults().withDataDir(data))) {
      Path err = tmp.resolve("err.txt");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  ImagestoreCommand.class.getName(),
                  "user",
                  "list",
                  "--data",
                  data.toString())
              .redirectErrorStream(true)
              .redirectOutput(err.toFile())
              .start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(err, UTF_8);
      assertWithMessage(out).that(p.exitValue()).isEqualTo(3);
      assertThat(out).contains("in use by another process");
      assertThat(out).contains("stop the service");
      assertThat(out).doesNotContain("Exception");
    }
  }

  private static String permissions(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
