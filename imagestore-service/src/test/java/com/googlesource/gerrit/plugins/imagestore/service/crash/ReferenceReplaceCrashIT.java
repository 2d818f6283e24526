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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.ServiceJar;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash suite's orphan-mark finding, made deterministic on PostgreSQL: a {@code PUT
 * /references} that drops an image's last reference is held, by a row lock the test takes on the
 * image, at the first statement that needs that row, and the service is SIGKILLed right there.
 * Whether the replace happened or not, after the restart the image's orphan mark must agree with
 * its references (referenced: no mark; unreferenced: orphaned), or it is never offered for cleanup.
 * And the same for the recomputation of every mark ({@code POST /orphans}), cut between slices.
 */
class ReferenceReplaceCrashIT {
  @TempDir Path dir;

  /** Whole replace, and the replace of the image's bucket alone (the same path, one uuid range). */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aReplaceCutByAKillLeavesOrphanMarksInStep(boolean bucketOnly) throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      ServiceJar jar = new ServiceJar(Files.createDirectories(dir.resolve("data")), pg);
      Path log = dir.resolve("service.log");
      CrashRun.addAdmin(jar, dir.resolve("cli.log"));
      CrashRun run = new CrashRun("POSTGRESQL");
      ServiceJar.Server server = jar.serve(log);
      try {
        run.begin(1, server.url());
        byte[] png = TestPngs.screenshot(480, 300, 7);
        String uuid = ImageId.forContent(png).value();
        assertThat(run.send("PUT", "images/" + uuid, png, "Content-Type", "image/png").statusCode())
            .isEqualTo(201);
        ReferenceInfo ref =
            new ReferenceInfo("ui/app", "master", "a".repeat(40), "images/app/view.ref.lnk", uuid);
        assertThat(replace(run, List.of(ref)).statusCode()).isEqualTo(200);
        assertThat(info(run, uuid).orphanedAt).isNull();

        String cut;
        try (Connection lock = pg.connect()) {
          lockImageRow(lock, uuid);
          CompletableFuture<HttpResponse<byte[]>> dropped =
              inBackground(
                  () ->
                      bucketOnly
                          ? replace(
                              run,
                              "references/buckets?buckets=16&bucket="
                                  + ReferenceBuckets.of(16).of(uuid),
                              List.of())
                          : replace(run, List.of()));
          awaitBlockedOnALock(pg);
          cut = referencesOf(pg, uuid) == 0 ? "after its commit" : "before its commit";
          run.killing();
          server.process().destroyForcibly().waitFor();
          lock.rollback();
          dropped.get(60, TimeUnit.SECONDS);
        }

        server = jar.serve(log);
        run.begin(2, server.url());
        ImageInfo after = info(run, uuid);
        assertWithMessage(
                "after a SIGKILL of the service while PUT /references (dropping the only reference"
                    + " to %s) waited for the image's row lock, %s: the image has %s references"
                    + " and orphanedAt %s; an image no reference names must be orphaned (or it"
                    + " is never offered for cleanup: GET /orphans/{id} answers %s)",
                uuid,
                cut,
                after.references.size(),
                after.orphanedAt,
                run.get("orphans/" + uuid).statusCode())
            .that(after.orphanedAt == null)
            .isEqualTo(!after.references.isEmpty());
      } finally {
        server.stop();
      }
    }
  }

  /**
   * {@code POST /orphans} recomputes one transaction per 10 000 images: held by a row lock in the
   * second slice of its marking pass (the second pass, after the clearing one) and SIGKILLed there,
   * it leaves the first slice's marks committed and the rest as they were (no slice half done), its
   * progress was visible in /metrics while it waited, and the next recomputation finishes the job.
   */
  @Test
  void aRecomputeCutByAKillKeepsTheSlicesItCommitted() throws Exception {
    int images = 25_000;
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      ServiceJar jar = new ServiceJar(Files.createDirectories(dir.resolve("data")), pg);
      Path log = dir.resolve("service.log");
      CrashRun.addAdmin(jar, dir.resolve("cli.log"));
      CrashRun run = new CrashRun("POSTGRESQL");
      ServiceJar.Server server = jar.serve(log);
      try {
        run.begin(1, server.url());
        // Unreferenced and unmarked: out of step, every one of them is for the recompute to mark.
        try (Connection c = pg.connect();
            PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO images (uuid, sha256, size, width, height, created_at,"
                        + " uploaded_by) VALUES (?, ?, 1, 1, 1, 0, 'test')")) {
          for (int i = 0; i < images; i++) {
            ps.setString(1, String.format("%032x", i));
            ps.setString(2, "0".repeat(64));
            ps.addBatch();
          }
          ps.executeBatch();
        }
        String held = String.format("%032x", 15_000); // in the second slice
        try (Connection lock = pg.connect()) {
          lockImageRow(lock, held);
          CompletableFuture<HttpResponse<byte[]>> recompute =
              inBackground(() -> run.send("POST", "orphans", new byte[0]));
          awaitBlockedOnALock(pg);
          String metrics = new String(run.get("metrics").body(), StandardCharsets.UTF_8);
          assertThat(metrics).contains("imagestore_orphan_recompute_running 1");
          // Two passes, so 2 visits an image: all of the first, 10 000 of the second.
          assertThat(metrics).contains("imagestore_orphan_recompute_images{state=\"done\"} 35000");
          assertThat(metrics).contains("imagestore_orphan_recompute_images{state=\"total\"} 50000");
          run.killing();
          server.process().destroyForcibly().waitFor();
          lock.rollback();
          recompute.get(60, TimeUnit.SECONDS);
        }
        assertThat(marked(pg, "")).isEqualTo(10_000);
        assertThat(marked(pg, String.format("%032x", 9_999))).isEqualTo(0);

        server = jar.serve(log);
        run.begin(2, server.url());
        HttpResponse<byte[]> again = run.send("POST", "orphans", new byte[0]);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(new String(again.body(), StandardCharsets.UTF_8)).contains("\"marked\":15000");
        assertThat(marked(pg, "")).isEqualTo(images);
        assertThat(Files.readString(log))
            .contains("orphan recompute: finished, 50000 of 50000 image visits");
      } finally {
        server.stop();
      }
    }
  }

  /** How many images after {@code after} are marked orphaned. */
  private static int marked(PostgresTestDatabase pg, String after) throws Exception {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM images WHERE orphaned_at IS NOT NULL AND uuid > ?")) {
      ps.setString(1, after);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static HttpResponse<byte[]> replace(CrashRun run, List<ReferenceInfo> refs)
      throws Exception {
    return replace(run, "references", refs);
  }

  private static HttpResponse<byte[]> replace(CrashRun run, String route, List<ReferenceInfo> refs)
      throws Exception {
    ReferencesInput in = new ReferencesInput();
    in.project = "ui/app";
    in.references = refs;
    return run.send(
        "PUT",
        route,
        Json.gson().toJson(in).getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/json");
  }

  private static ImageInfo info(CrashRun run, String uuid) throws Exception {
    HttpResponse<byte[]> r = run.get("images/" + uuid + "/info");
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson().fromJson(new String(r.body(), StandardCharsets.UTF_8), ImageInfo.class);
  }

  /** Waits until a session of this database waits for a lock (the one the test holds). */
  /** Holds the row of image {@code uuid} locked until {@code lock}'s transaction ends. */
  private static void lockImageRow(Connection lock, String uuid) throws Exception {
    lock.setAutoCommit(false);
    try (PreparedStatement ps =
        lock.prepareStatement("SELECT uuid FROM images WHERE uuid = ? FOR UPDATE")) {
      ps.setString(1, uuid);
      ps.executeQuery().close();
    }
  }

  /** A request to be cut by a kill: sent in the background, null when the kill cut it. */
  private interface Request {
    HttpResponse<byte[]> send() throws Exception;
  }

  private static CompletableFuture<HttpResponse<byte[]>> inBackground(Request request) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return request.send();
          } catch (Exception e) {
            return null; // the kill
          }
        });
  }

  private static void awaitBlockedOnALock(PostgresTestDatabase pg) throws Exception {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock'")) {
      for (int i = 0; i < 1200; i++) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the request never waited for the row lock the test holds");
  }

  private static int referencesOf(PostgresTestDatabase pg, String uuid) throws Exception {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM image_references WHERE uuid = ?")) {
      ps.setString(1, uuid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
