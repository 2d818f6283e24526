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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.AuditEntryInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CleanupResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.SettingsInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.TrashInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe orphan deletion over HTTP against the real service: the grace period, the dry run, the trash
 * with restore and purge (by hand and by the periodic task), the audit log, and a reference racing
 * with a deletion.
 */
class TrashApiTest {
  private static final String COMMIT = "3333333333333333333333333333333333333333";
  private static final Instant LONG_AGO = Instant.now().minus(20, ChronoUnit.DAYS);

  @TempDir Path dir;
  TestService service;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  private void start() throws Exception {
    service = TestService.start(dir);
  }

  @Test
  void anOrphanGoesToTheTrashOnlyAfterTheGracePeriodAndComesBack() throws Exception {
    start();
    byte[] png = TestPngs.png(500);
    String id = upload(png);

    // Fresh orphans are within the default grace period of 14 days.
    HttpResponse<String> young = send("DELETE", "/orphans/" + id, ADMIN, null);
    assertThat(young.statusCode()).isEqualTo(409);
    assertThat(young.body()).contains("in_grace_period");
    assertThat(status("GET", "/images/" + id, null)).isEqualTo(200);

    backdate(id, LONG_AGO);
    assertThat(send("DELETE", "/orphans/" + id, ADMIN, null).statusCode()).isEqualTo(204);

    // Gone for everybody: no download, no info, not an orphan; admins see it in the trash.
    assertThat(status("GET", "/images/" + id, null)).isEqualTo(404);
    assertThat(status("GET", "/images/" + id + "/info", UPLOADER)).isEqualTo(404);
    assertThat(status("GET", "/orphans/" + id, UPLOADER)).isEqualTo(404);
    List<TrashInfo> trash = json(send("GET", "/trash", ADMIN, null), new TypeToken<>() {});
    assertThat(trash).hasSize(1);
    TrashInfo entry = trash.get(0);
    assertThat(entry.uuid).isEqualTo(id);
    assertThat(entry.trashedBy).isEqualTo(ADMIN);
    assertThat(entry.orphanedAt).isEqualTo(LONG_AGO.truncatedTo(ChronoUnit.MILLIS));
    assertThat(Duration.between(entry.trashedAt, entry.purgeAfter)).isEqualTo(Duration.ofDays(30));
    HttpResponse<byte[]> bytes =
        service.send(service.request("/trash/" + id + "/image", ADMIN).build());
    assertThat(bytes.statusCode()).isEqualTo(200);
    assertThat(bytes.body()).isEqualTo(png);
    assertThat(bytes.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(service.store().blobs().exists(ImageId.sha256Hex(png))).isTrue();

    // Restored with its metadata; orphaned from now, so the grace period starts again.
    Instant beforeRestore = Instant.now().minusSeconds(1);
    HttpResponse<String> restored = send("POST", "/trash/" + id + "/restore", ADMIN, null);
    assertThat(restored.statusCode()).isEqualTo(200);
    ImageInfo info = Json.gson().fromJson(restored.body(), ImageInfo.class);
    assertThat(info.spec.name).isEqualTo("trash-test");
    assertThat(info.orphanedAt).isGreaterThan(beforeRestore);
    assertThat(download(id)).isEqualTo(png);
    assertThat(orphans("")).contains(id);
    assertThat(orphans("?minAge=1d")).doesNotContain(id);
    assertThat(status("GET", "/trash/" + id, ADMIN)).isEqualTo(404);
    assertThat(status("POST", "/trash/" + id + "/restore", ADMIN)).isEqualTo(409);

    List<AuditEntryInfo> audit = audit("?uuid=" + id);
    assertThat(audit.stream().map(a -> a.action).toList())
        .containsExactly("restore", "trash")
        .inOrder();
    assertThat(audit.get(1).actor).isEqualTo(ADMIN);
    assertThat(audit.get(1).address).isEqualTo("127.0.0.1");
    assertThat(audit.get(1).detail).isEqualTo("DELETE /orphans/{uuid}");
    assertThat(audit.get(1).size).isEqualTo(png.length);
  }

  @Test
  void theDryRunCountsOnlyBytesThatThePurgeFrees() throws Exception {
    start();
    byte[] shared = TestPngs.png(510);
    byte[] own = TestPngs.png(511);
    String sharedOrphan = upload(shared);
    String ownOrphan = upload(own);
    // The same bytes under another id, referenced: their content must survive.
    String alias = "00000000000000000000000000000510";
    assertThat(importAs(alias, shared)).isEqualTo(201);
    addReference(alias);
    String young = upload(TestPngs.png(512));
    backdate(sharedOrphan, LONG_AGO);
    backdate(ownOrphan, LONG_AGO);

    CleanupResult dry = cleanup("{\"dryRun\":true}");
    assertThat(dry.dryRun).isTrue();
    assertThat(dry.images.stream().map(i -> i.uuid).toList())
        .containsExactly(sharedOrphan, ownOrphan);
    assertThat(dry.count).isEqualTo(2);
    assertThat(dry.size).isEqualTo(shared.length + own.length);
    assertThat(dry.bytesFreed).isEqualTo(own.length);
    assertThat(orphans("")).containsAtLeast(sharedOrphan, ownOrphan, young);
    assertThat(status("GET", "/images/" + sharedOrphan, null)).isEqualTo(200);

    // A minAge below the grace period does not reach young orphans.
    assertThat(cleanup("{\"dryRun\":true,\"minAge\":\"0s\"}").count).isEqualTo(2);
    // Named ones: the young one is refused, with its reason.
    CleanupResult named =
        cleanup("{\"dryRun\":true,\"uuids\":[\"" + young + "\",\"" + ownOrphan + "\"]}");
    assertThat(named.count).isEqualTo(1);
    assertThat(named.skipped.get(0).uuid).isEqualTo(young);
    assertThat(named.skipped.get(0).error).isEqualTo("in_grace_period");

    CleanupResult real = cleanup("{}");
    assertThat(real.dryRun).isFalse();
    assertThat(real.count).isEqualTo(dry.count);
    assertThat(real.bytesFreed).isEqualTo(dry.bytesFreed);
    assertThat(orphans("")).containsExactly(young);

    // The purge frees exactly what the dry run said; the shared content stays.
    CleanupResult purgeDry = purge("{\"dryRun\":true,\"all\":true}");
    assertThat(purgeDry.bytesFreed).isEqualTo(own.length);
    assertThat(purge("{}").count).isEqualTo(0); // nothing is past its retention yet
    CleanupResult purged = purge("{\"all\":true}");
    assertThat(purged.count).isEqualTo(2);
    assertThat(purged.bytesFreed).isEqualTo(own.length);
    assertThat(service.store().blobs().exists(ImageId.sha256Hex(own))).isFalse();
    assertThat(service.store().blobs().exists(ImageId.sha256Hex(shared))).isTrue();
    assertThat(download(alias)).isEqualTo(shared);
    assertThat(json(send("GET", "/trash", ADMIN, null), new TypeToken<List<TrashInfo>>() {}))
        .isEmpty();
    List<AuditEntryInfo> purges = audit("").stream().filter(a -> a.action.equals("purge")).toList();
    assertThat(purges).hasSize(2);
    assertThat(purges.stream().mapToLong(a -> a.bytesFreed).sum()).isEqualTo(own.length);
  }

  /**
   * Cleanups and purges that select their images are bulk calls, one at a time with their progress
   * in /metrics; those naming their images are bounded by the request and never refused for another
   * one running (the crash suite's workers purge named entries side by side), so they leave the
   * bulk progress alone.
   */
  @Test
  void onlyCleanupsAndPurgesBySelectionAreTrackedAsBulkCalls() throws Exception {
    start();
    String named = upload(TestPngs.png(520));
    String selected = upload(TestPngs.png(521));
    backdate(named, LONG_AGO);
    assertThat(cleanup("{\"uuids\":[\"" + named + "\"]}").count).isEqualTo(1);
    assertThat(purge("{\"uuids\":[\"" + named + "\"]}").count).isEqualTo(1);
    assertThat(service.metric("imagestore_orphan_cleanup_images{state=\"total\"}")).isEqualTo(0.0);
    assertThat(service.metric("imagestore_trash_purge_entries{state=\"total\"}")).isEqualTo(0.0);

    backdate(selected, LONG_AGO);
    assertThat(cleanup("{}").count).isEqualTo(1);
    assertThat(purge("{\"all\":true}").count).isEqualTo(1);
    assertThat(service.metric("imagestore_orphan_cleanup_images{state=\"total\"}")).isEqualTo(1.0);
    assertThat(service.metric("imagestore_orphan_cleanup_images{state=\"done\"}")).isEqualTo(1.0);
    assertThat(service.metric("imagestore_trash_purge_entries{state=\"total\"}")).isEqualTo(1.0);
    assertThat(service.metric("imagestore_orphan_cleanup_running")).isEqualTo(0.0);
    assertThat(service.metric("imagestore_trash_purge_running")).isEqualTo(0.0);
  }

  @Test
  void aTrashedContentSharedWithAnotherTrashEntryGoesWithTheLastPurge() throws Exception {
    start();
    byte[] png = TestPngs.png(520);
    String a = upload(png);
    String b = "00000000000000000000000000000520";
    assertThat(importAs(b, png)).isEqualTo(201);
    assertThat(status("DELETE", "/images/" + a, ADMIN)).isEqualTo(204);
    assertThat(status("DELETE", "/images/" + b, ADMIN)).isEqualTo(204);
    assertThat(purge("{\"dryRun\":true,\"uuids\":[\"" + a + "\"]}").bytesFreed).isEqualTo(0);
    assertThat(status("DELETE", "/trash/" + a, ADMIN)).isEqualTo(204);
    assertThat(service.store().blobs().exists(ImageId.sha256Hex(png))).isTrue();
    assertThat(status("DELETE", "/trash/" + a, ADMIN)).isEqualTo(404);
    assertThat(status("DELETE", "/trash/" + b, ADMIN)).isEqualTo(204);
    assertThat(service.store().blobs().exists(ImageId.sha256Hex(png))).isFalse();
  }

  @Test
  void aReferenceOrAnUploadBringsATrashedImageBack() throws Exception {
    start();
    byte[] png = TestPngs.png(530);
    String id = upload(png);
    backdate(id, LONG_AGO);
    assertThat(status("DELETE", "/orphans/" + id, ADMIN)).isEqualTo(204);

    // A revert brings its .lnk back: the image is needed again.
    ReferencesResult added = addReference(id);
    assertThat(added.restored).isEqualTo(1);
    ImageInfo info = info(id);
    assertThat(info.referenced).isTrue();
    assertThat(info.orphanedAt).isNull();
    AuditEntryInfo restore = audit("?uuid=" + id).get(0);
    assertThat(restore.action).isEqualTo("restore");
    assertThat(restore.actor).isEqualTo(INDEXER);
    assertThat(restore.detail).startsWith("referenced again: ui/app refs/heads/master");

    // Uploading a trashed image again restores it; other bytes under its id are refused.
    byte[] other = TestPngs.png(531);
    String second = upload(other);
    assertThat(status("DELETE", "/images/" + second, ADMIN)).isEqualTo(204);
    assertThat(importAs(second, TestPngs.png(532))).isEqualTo(409);
    assertThat(status("GET", "/images/" + second, null)).isEqualTo(404);
    assertThat(put(second, other)).isEqualTo(201);
    assertThat(download(second)).isEqualTo(other);
    assertThat(status("GET", "/trash/" + second, ADMIN)).isEqualTo(404);
    assertThat(audit("?uuid=" + second).get(0).detail).isEqualTo("uploaded again");
  }

  @Test
  void theSweepBringsBackTrashedImagesThatAreReferenced() throws Exception {
    start();
    String id = upload(TestPngs.png(540));
    assertThat(status("DELETE", "/images/" + id, ADMIN)).isEqualTo(204);
    // A reference stored behind the service's back (a restored database backup, say).
    service
        .store()
        .database()
        .read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO image_references (project, branch, path, uuid, commit_id,"
                          + " indexed_at) VALUES ('p', 'refs/heads/master', 'x.ref.lnk', ?, ?, 0)")) {
                ps.setString(1, id);
                ps.setString(2, COMMIT);
                return ps.executeUpdate();
              }
            });
    HttpResponse<String> sweep = send("POST", "/orphans", ADMIN, null);
    assertThat(sweep.statusCode()).isEqualTo(200);
    assertThat(sweep.body()).contains("\"restored\":1");
    assertThat(info(id).referenced).isTrue();
  }

  /**
   * A reference arriving while its image is being moved to the trash: both wait on the image's row
   * lock (held here by a plain transaction), then run in either order. Either the deletion sees the
   * reference and refuses (409), or it goes first and the reference's transaction brings the image
   * back. The image is never left in the trash with a reference naming it.
   */
  @Test
  void aReferenceRacingWithTheDeletionIsNeverLost() throws Exception {
    start();
    int deleted = 0;
    for (int round = 0; round < 8; round++) {
      String id = upload(TestPngs.png(600 + round));
      backdate(id, LONG_AGO);
      CompletableFuture<HttpResponse<String>> delete;
      CompletableFuture<ReferencesResult> reference;
      try (Connection c = service.store().database().dataSource().getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement lock =
            c.prepareStatement("SELECT uuid FROM images WHERE uuid = ? FOR UPDATE")) {
          lock.setString(1, id);
          lock.executeQuery().close();
        }
        boolean referenceFirst = round % 2 == 0;
        String path = "race-" + round + ".ref.lnk";
        if (referenceFirst) {
          reference = CompletableFuture.supplyAsync(() -> unchecked(() -> addReference(id, path)));
          Thread.sleep(150);
          delete =
              CompletableFuture.supplyAsync(
                  () -> unchecked(() -> send("DELETE", "/orphans/" + id, ADMIN, null)));
        } else {
          delete =
              CompletableFuture.supplyAsync(
                  () -> unchecked(() -> send("DELETE", "/orphans/" + id, ADMIN, null)));
          Thread.sleep(150);
          reference = CompletableFuture.supplyAsync(() -> unchecked(() -> addReference(id, path)));
        }
        Thread.sleep(150);
        c.commit();
      }
      int status = delete.get(30, TimeUnit.SECONDS).statusCode();
      ReferencesResult added = reference.get(30, TimeUnit.SECONDS);
      assertThat(status).isAnyOf(204, 409);
      if (status == 204) {
        deleted++;
        assertThat(added.restored).isEqualTo(1);
      }
      ImageInfo info = info(id);
      assertThat(info.referenced).isTrue();
      assertThat(info.orphanedAt).isNull();
      assertThat(status("GET", "/trash/" + id, ADMIN)).isEqualTo(404);
    }
    // Which order the database picks is its own business; both kinds are checked when they occur.
    assertThat(deleted).isAtMost(8);
  }

  @Test
  void thePeriodicTaskPurgesExpiredTrash() throws Exception {
    service =
        TestService.start(
            dir, c -> c.withTrash(Duration.ZERO, Duration.ZERO, Duration.ofMillis(200)));
    byte[] png = TestPngs.png(550);
    String id = upload(png);
    assertThat(status("DELETE", "/orphans/" + id, ADMIN)).isEqualTo(204);
    String sha = ImageId.sha256Hex(png);
    for (int i = 0; i < 100 && service.store().blobs().exists(sha); i++) {
      Thread.sleep(100);
    }
    assertThat(service.store().blobs().exists(sha)).isFalse();
    assertThat(status("GET", "/trash/" + id, ADMIN)).isEqualTo(404);
    AuditEntryInfo purge = audit("?uuid=" + id).get(0);
    assertThat(purge.action).isEqualTo("purge");
    assertThat(purge.actor).isEqualTo("system");
    assertThat(purge.address).isNull();
    assertThat(purge.bytesFreed).isEqualTo(png.length);
  }

  @Test
  void theAuditLogIsPagedNewestFirstAndForAdminsOnly() throws Exception {
    start();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = upload(TestPngs.png(560 + i));
      ids.add(id);
      assertThat(status("DELETE", "/images/" + id, ADMIN)).isEqualTo(204);
    }
    HttpResponse<String> first = send("GET", "/audit?limit=2", ADMIN, null);
    List<AuditEntryInfo> page = json(first, new TypeToken<>() {});
    assertThat(page.stream().map(a -> a.uuid).toList())
        .containsExactly(ids.get(2), ids.get(1))
        .inOrder();
    String link = first.headers().firstValue("Link").orElseThrow();
    String next = link.substring(1, link.indexOf('>'));
    assertThat(next).isEqualTo("/audit?limit=2&before=" + page.get(1).id);
    List<AuditEntryInfo> rest = json(send("GET", next, ADMIN, null), new TypeToken<>() {});
    assertThat(rest.stream().map(a -> a.uuid).toList()).containsExactly(ids.get(0));
    assertThat(status("GET", "/audit", UPLOADER)).isEqualTo(403);
    assertThat(status("GET", "/audit", null)).isEqualTo(401);
    assertThat(status("GET", "/trash", INDEXER)).isEqualTo(403);
    assertThat(status("GET", "/trash/" + ids.get(0) + "/image", null)).isEqualTo(401);
  }

  @Test
  void settingsTellTheAdminPageWhoIsLoggedIn() throws Exception {
    start();
    SettingsInfo settings =
        Json.gson().fromJson(send("GET", "/settings", ADMIN, null).body(), SettingsInfo.class);
    assertThat(settings.user).isEqualTo(ADMIN);
    assertThat(settings.orphanGracePeriod).isEqualTo("14d");
    assertThat(settings.trashRetentionSeconds).isEqualTo(Duration.ofDays(30).toSeconds());
    assertThat(settings.trashPurgeInterval).isEqualTo("1h");
    assertThat(status("GET", "/settings", UPLOADER)).isEqualTo(403);

    // A script's request gets its 401 without a Basic challenge (no browser login dialog).
    HttpResponse<String> script =
        service.sendForString(
            service.request("/settings", null).header("X-Requested-With", "fetch").build());
    assertThat(script.statusCode()).isEqualTo(401);
    assertThat(script.headers().firstValue("WWW-Authenticate")).isEmpty();
    HttpResponse<String> plain = service.sendForString(service.request("/settings", null).build());
    assertThat(plain.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
  }

  @Test
  void theAdminPageIsServedWithAStrictPolicy() throws Exception {
    start();
    HttpResponse<String> bare = send("GET", "/admin", null, null);
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location")).hasValue("/admin/");
    HttpResponse<String> page = send("GET", "/admin/", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("script-src 'self'");
    assertThat(csp).contains("frame-ancestors 'none'");
    assertThat(csp).doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.body()).contains("<script src=\"admin.js\"");
    assertThat(page.body()).doesNotContain("<script>");
    HttpResponse<String> script = send("GET", "/admin/admin.js", null, null);
    assertThat(script.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/javascript");
    HttpResponse<String> missing = send("GET", "/admin/../db/imagestore.mv.db", null, null);
    assertThat(missing.statusCode()).isAnyOf(400, 404);
    assertThat(status("GET", "/admin/secret.txt", null)).isEqualTo(404);
  }

  // ---------------------------------------------------------------------------------------------

  private String upload(byte[] png) throws Exception {
    Multipart form = new Multipart().image(png).json(Multipart.uiveri5Meta("trash-test"));
    HttpResponse<String> r =
        service.sendForString(
            service
                .request("/images", UPLOADER)
                .header("Content-Type", form.contentType())
                .POST(BodyPublishers.ofByteArray(form.build()))
                .build());
    assertThat(r.statusCode()).isEqualTo(201);
    return ImageId.forContent(png).value();
  }

  private int put(String id, byte[] png) throws Exception {
    return put("/images/" + id, UPLOADER, png);
  }

  /** An admin's import under a chosen id (a legacy .lnk file's uuid). */
  private int importAs(String id, byte[] png) throws Exception {
    return put("/images/" + id + "?import=true", ADMIN, png);
  }

  private int put(String path, String user, byte[] png) throws Exception {
    return service
        .sendForString(
            service
                .request(path, user)
                .header("Content-Type", "image/png")
                .PUT(BodyPublishers.ofByteArray(png))
                .build())
        .statusCode();
  }

  private void backdate(String id, Instant when) throws Exception {
    HttpResponse<String> r =
        send("PUT", "/orphans/" + id, ADMIN, "{\"orphanedAt\":\"" + when + "\"}");
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private ReferencesResult addReference(String id) throws Exception {
    return addReference(id, "images/" + id + ".ref.lnk");
  }

  private ReferencesResult addReference(String id, String path) throws Exception {
    String body =
        "{\"references\":[{\"project\":\"ui/app\",\"branch\":\"refs/heads/master\",\"commit\":\""
            + COMMIT
            + "\",\"path\":\""
            + path
            + "\",\"uuid\":\""
            + id
            + "\"}]}";
    HttpResponse<String> r = send("POST", "/references", INDEXER, body);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson().fromJson(r.body(), ReferencesResult.class);
  }

  private CleanupResult cleanup(String body) throws Exception {
    HttpResponse<String> r = send("POST", "/orphans/trash", ADMIN, body);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson().fromJson(r.body(), CleanupResult.class);
  }

  private CleanupResult purge(String body) throws Exception {
    HttpResponse<String> r = send("POST", "/trash/purge", ADMIN, body);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson().fromJson(r.body(), CleanupResult.class);
  }

  private List<String> orphans(String query) throws Exception {
    List<ImageInfo> list =
        json(send("GET", "/orphans" + query, UPLOADER, null), new TypeToken<>() {});
    return list.stream().map(i -> i.uuid).toList();
  }

  private List<AuditEntryInfo> audit(String query) throws Exception {
    return json(send("GET", "/audit" + query, ADMIN, null), new TypeToken<>() {});
  }

  private ImageInfo info(String id) throws Exception {
    HttpResponse<String> r = send("GET", "/images/" + id + "/info", UPLOADER, null);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson().fromJson(r.body(), ImageInfo.class);
  }

  private byte[] download(String id) throws Exception {
    HttpResponse<byte[]> r = service.send(service.request("/images/" + id, null).build());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private int status(String method, String path, String user) throws Exception {
    return send(method, path, user, null).statusCode();
  }

  private HttpResponse<String> send(String method, String path, String user, String json)
      throws Exception {
    HttpRequest.Builder b = service.request(path, user);
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return service.sendForString(
        b.method(
                method,
                json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json, UTF_8))
            .build());
  }

  private static <T> T json(HttpResponse<String> r, TypeToken<T> type) {
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson().fromJson(r.body(), type.getType());
  }

  @FunctionalInterface
  private interface Io<T> {
    T run() throws Exception;
  }

  private static <T> T unchecked(Io<T> work) {
    try {
      return work.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
