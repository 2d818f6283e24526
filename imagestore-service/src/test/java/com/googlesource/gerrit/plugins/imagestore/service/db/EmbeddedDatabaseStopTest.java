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
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 stops the embedded database for good when a write to its file fails (a full disk): it closes
 * the database, and every statement fails from then on. The service opens it again instead of
 * answering 503 until someone restarts it, and treats the file as a kill leaves it.
 *
 * <p>The stop is H2's own: {@link MVStore#panic}, what H2 calls when a write of its file fails.
 * (Reproduced by hand with a real full disk — a small tmpfs, uploads until H2's write failed:
 * before this, every request answered 503 {@code database_unavailable} and readiness said ok, also
 * after space came back; now the first request after the stop opens it again.)
 */
class EmbeddedDatabaseStopTest {
  @TempDir Path tmp;

  /** Makes H2 stop the database as a failed write of its file does. */
  private static void stopAsAFailedWriteDoes(Connection c) throws SQLException {
    SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    MVStore store = session.getDatabase().getStore().getMvStore();
    assertThrows(
        MVStoreException.class,
        () ->
            store.panic(
                DataUtils.newMVStoreException(
                    DataUtils.ERROR_WRITING_FAILED, "simulated: No space left on device")));
  }

  @Test
  void theServiceOpensTheDatabaseAgainAfterH2StoppedIt() throws Exception {
    Path data = tmp.resolve("data");
    byte[] before = TestPngs.png(301);
    byte[] after = TestPngs.png(302);
    ImageId stored;
    ImageId uploaded;
    TestService service = TestService.start(data);
    try {
      stored = service.upload(before);
      Database db = service.store().database();
      try (Connection c = db.dataSource().getConnection()) {
        stopAsAFailedWriteDoes(c);
      }
      assertThat(db.reopened()).isEqualTo(0);

      // The next request opens it again and is answered; so is everything after it.
      assertThat(service.send(service.request("/images/" + stored.value(), null).build()).body())
          .isEqualTo(before);
      assertThat(db.reopened()).isEqualTo(1);
      uploaded = service.upload(after);
      assertThat(service.sendForString(service.request("/health/ready", null).build()).statusCode())
          .isEqualTo(200);
      assertThat(db.reopened()).isEqualTo(1);
    } finally {
      service.close();
    }
    try (TestService again = TestService.start(data)) {
      assertThat(again.send(again.request("/images/" + stored.value(), null).build()).body())
          .isEqualTo(before);
      assertThat(again.send(again.request("/images/" + uploaded.value(), null).build()).body())
          .isEqualTo(after);
    }
  }

  @Test
  void aDatabaseH2StoppedIsNotMarkedClosedCleanly() throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("db"));
    String url = Database.embeddedUrl(data);
    Database db = Database.open(url, "sa", "pw", 4);
    try (Connection c = db.dataSource().getConnection()) {
      stopAsAFailedWriteDoes(c);
    }
    db.close();
    // As after a kill: the next open reads the file for what the stop cut.
    assertThat(Files.exists(CrashLeftovers.marker(url))).isFalse();

    Database again = Database.open(url, "sa", "pw", 4);
    again.close();
    assertThat(Files.exists(CrashLeftovers.marker(url))).isTrue();
  }
}
