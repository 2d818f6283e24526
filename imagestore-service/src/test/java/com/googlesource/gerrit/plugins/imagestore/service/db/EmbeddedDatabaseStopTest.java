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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 stops the embedded database for good when a write to its file fails (a full disk): it closes
 * the store, and every statement fails from then on. The service then answers 503 and reports the
 * stop (the serve command exits on it, so that a restart brings the database back), readiness is
 * red, and the file is treated as a kill leaves it.
 *
 * <p>The stop is H2's own: {@link MVStore#panic}, what H2 calls when a write to its file fails,
 * then the store closed as H2 closes it next ({@link MVStore#closeImmediately}). Reproduced by hand
 * with a real full disk (a small tmpfs, uploads until H2's write failed): before, every request
 * answered 503 {@code database_unavailable} or 500, and readiness said ok, also after space came
 * back.
 */
class EmbeddedDatabaseStopTest {
  @TempDir Path tmp;

  private static MVStore storeOf(Connection c) throws SQLException {
    return StoredCommits.h2Of(c).getStore().getMvStore();
  }

  /** Makes H2 stop the database as a failed write to its file does. */
  private static void stopAsAFailedWriteDoes(Database db) throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      MVStore store = storeOf(c);
      assertThrows(
          MVStoreException.class,
          () ->
              store.panic(
                  DataUtils.newMVStoreException(
                      DataUtils.ERROR_WRITING_FAILED, "simulated: No space left on device")));
      store.closeImmediately();
    }
  }

  @Test
  void aStoppedDatabaseIsAnOutageReportedOnceAndNothingAnsweredIsLost() throws Exception {
    Path data = tmp.resolve("data");
    byte[] before = TestPngs.png(301);
    ImageId stored;
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    TestService service = TestService.start(data);
    try {
      stored = service.upload(before);
      Database db = service.store().database();
      db.whenStopped(reported::add);
      stopAsAFailedWriteDoes(db);

      for (int i = 0; i < 2; i++) {
        byte[] png = TestPngs.png(400 + i);
        HttpResponse<String> upload =
            service.sendForString(
                service
                    .request("/images/" + ImageId.forContent(png).value(), UPLOADER)
                    .header("Content-Type", "image/png")
                    .PUT(BodyPublishers.ofByteArray(png))
                    .build());
        assertThat(upload.statusCode()).isEqualTo(503);
        assertThat(upload.body()).contains("database_unavailable");
        assertThat(upload.headers().firstValue("Retry-After")).isPresent();
      }
      assertThat(service.sendForString(service.request("/health/ready", null).build()).statusCode())
          .isEqualTo(503);
      assertThat(reported).hasSize(1);
      assertThat(reported.get(0)).hasMessageThat().contains("No space left on device");
    } finally {
      service.close();
    }
    // Not marked closed: the next start reads the file for what the stop cut, as after a kill.
    assertThat(Files.exists(CrashLeftovers.marker(Database.embeddedUrl(data)))).isFalse();
    try (TestService again = TestService.start(data)) {
      assertThat(again.send(again.request("/images/" + stored.value(), null).build()).body())
          .isEqualTo(before);
    }
  }

  @Test
  void aDatabaseH2ClosedOnItsOwnIsNotMarkedClosedCleanly() throws Exception {
    // H2 also closes a database for good without a failed write (out of memory in a statement).
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("db"));
    String url = Database.embeddedUrl(data);
    Database db = Database.open(url, "sa", "pw", 4);
    try (Connection c = db.dataSource().getConnection()) {
      // What H2 does when a statement runs out of memory.
      StoredCommits.h2Of(c).shutdownImmediately();
    }
    assertThat(db.isHealthy()).isFalse();
    db.close();
    assertThat(Files.exists(CrashLeftovers.marker(url))).isFalse();

    Database again = Database.open(url, "sa", "pw", 4);
    assertThat(again.isHealthy()).isTrue();
    again.close();
    assertThat(Files.exists(CrashLeftovers.marker(url))).isTrue();
  }
}
