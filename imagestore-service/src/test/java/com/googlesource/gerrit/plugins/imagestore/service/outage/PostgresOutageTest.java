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

package com.googlesource.gerrit.plugins.imagestore.service.outage;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PrivatePostgres;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.UploadLedger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started again under load, the service running on: a private cluster
 * ({@link PrivatePostgres}: the shared test server is never stopped), the real service in this
 * process on it, clients uploading and downloading over HTTP all along.
 *
 * <p>While the database is down every answer that needs it is 503 with {@code Retry-After} and
 * {@code database_unavailable}, never a 500; readiness is 503, liveness 200. When it is back the
 * service recovers by itself, without a restart; afterwards every acknowledged upload reads back
 * byte-identical, and an unacknowledged one is absent without a row, or there whole.
 *
 * <p>In-process rather than the shaded jar as a child process: the test then checks the rows
 * themselves ({@code images}) after recovery, not only what the API says; starting the shaded jar
 * on PostgreSQL is what {@code TwoReplicasIT} covers. The outage under test is the database's: a
 * real server process stopped the two ways an operator or a crash stops it.
 */
class PostgresOutageTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int CLIENTS = 4;

  @TempDir Path dir;

  @Test
  void stoppedUnderLoadAnswers503AndRecoversByItself() throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.start();
        TestService service =
            TestService.start(dir, c -> c.withDatabase(pg.url(), pg.user(), null))) {
      UploadLedger ledger = new UploadLedger(service);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger uploadsAcknowledged = new AtomicInteger();
      long lastRestart = 0;
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> load = new ArrayList<>();
      try {
        for (int i = 0; i < CLIENTS; i++) {
          load.add(
              clients.submit(
                  () -> {
                    while (!stop.get()) {
                      int status = ledger.upload();
                      if (status == 200 || status == 201) {
                        uploadsAcknowledged.incrementAndGet();
                      }
                      ledger.downloadAny();
                    }
                    return null;
                  }));
        }
        await("uploads before the outage", () -> uploadsAcknowledged.get() >= 20);

        for (String mode : List.of("immediate", "fast")) {
          int refusedBefore = ledger.count(503);
          pg.stopServer(mode);
          await(
              "503s from the clients (" + mode + ")", () -> ledger.count(503) >= refusedBefore + 4);
          checkAnswersWhileDown(service, ledger);

          pg.startServer();
          lastRestart = System.currentTimeMillis();
          int acknowledgedAtRestart = uploadsAcknowledged.get();
          await(
              "uploads after the restart (" + mode + ")",
              () -> uploadsAcknowledged.get() >= acknowledgedAtRestart + 10);
          service.awaitStatus("/health/ready", 200, DEADLINE);
        }
      } finally {
        stop.set(true);
        clients.shutdown();
      }
      for (Future<?> f : load) {
        f.get();
      }
      assertWithMessage("statuses %s", ledger.statuses()).that(ledger.count(500)).isEqualTo(0);
      // Rechecks the outage cut after their change committed were settled by the uploads after
      // it, without waiting for the hourly sweep.
      long restarted = lastRestart;
      assertWithMessage("orphan mark rechecks still owed from before the last restart")
          .that(
              service
                  .store()
                  .database()
                  .<Integer>read(c -> new ImageRepository().countOwed(c, restarted)))
          .isEqualTo(0);
      ledger.verify();
    }
  }

  /** The requests that need the database, one of each kind, and the health checks. */
  private static void checkAnswersWhileDown(TestService service, UploadLedger ledger)
      throws Exception {
    assertThat(ledger.upload()).isEqualTo(503);
    HttpResponse<String> unknown =
        service.sendForString(service.request("/images/" + "f".repeat(32), null).build());
    assertThat(
            ledger.record("GET unknown", unknown.statusCode(), unknown.headers(), unknown.body()))
        .isEqualTo(503);
    assertThat(UploadLedger.errorCode(unknown.body())).isEqualTo("database_unavailable");
    // With an account: checking it needs the database too.
    HttpResponse<String> list =
        service.sendForString(service.request("/images?limit=5", TestService.UPLOADER).build());
    assertThat(ledger.record("GET /images", list.statusCode(), list.headers(), list.body()))
        .isEqualTo(503);
    HttpResponse<String> refs =
        service.sendForString(
            service.request("/references?project=some-project", TestService.UPLOADER).build());
    assertThat(ledger.record("GET /references", refs.statusCode(), refs.headers(), refs.body()))
        .isEqualTo(503);

    HttpResponse<String> ready = service.awaitStatus("/health/ready", 503, DEADLINE);
    JsonObject body = JsonParser.parseString(ready.body()).getAsJsonObject();
    assertThat(body.get("database").getAsString()).isEqualTo("unavailable");
    assertThat(get(service, "/health/live").statusCode()).isEqualTo(200);
    // The metrics still answer, without the figures that need the database.
    HttpResponse<String> metrics = get(service, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("imagestore_http_requests");
  }

  private static HttpResponse<String> get(TestService service, String path) throws Exception {
    return service.sendForString(service.request(path, null).build());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertWithMessage("waited for %s", what).that(System.nanoTime() < deadline).isTrue();
      Thread.sleep(100);
    }
  }
}
