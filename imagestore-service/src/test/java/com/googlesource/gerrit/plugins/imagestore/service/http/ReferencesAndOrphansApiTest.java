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

import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.OrphanSweepResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The references API as the Gerrit plugin uses it, through the shared client library, and the
 * orphan life cycle it drives.
 */
class ReferencesAndOrphansApiTest {
  private static final String COMMIT_1 = "1111111111111111111111111111111111111111";
  private static final String COMMIT_2 = "2222222222222222222222222222222222222222";

  @TempDir Path dir;
  TestService service;
  ImagestoreClient uploader;
  ImagestoreClient indexer;
  ImagestoreClient anonymous;

  /** Any account may read listings and reference metadata. */
  ImagestoreClient reader;

  @BeforeEach
  void start() throws Exception {
    // A grace period of an hour: an orphan marked two hours ago may be deleted.
    service =
        TestService.start(
            dir, c -> c.withTrash(Duration.ofHours(1), c.trashRetention(), c.trashPurgeInterval()));
    uploader = service.client(UPLOADER);
    indexer = service.client(INDEXER);
    anonymous = service.client(null);
    reader = service.client(UPLOADER);
  }

  @AfterEach
  void stop() throws Exception {
    uploader.close();
    indexer.close();
    anonymous.close();
    reader.close();
    service.close();
  }

  private ImageId upload(int seed) throws Exception {
    Path file = dir.resolve("img-" + seed + ".png");
    Files.write(file, TestPngs.png(seed));
    return uploader.upload(file, null).id();
  }

  private static ReferenceInfo ref(String branch, String commit, String path, ImageId id) {
    return new ReferenceInfo("ui/app", branch, commit, path, id.value());
  }

  private List<String> orphanIds(String minAge) throws Exception {
    HttpResponse<String> r =
        service.sendForString(
            service
                .request("/orphans" + (minAge == null ? "" : "?minAge=" + minAge), UPLOADER)
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
    List<ImageInfo> list =
        Json.gson().fromJson(r.body(), new TypeToken<List<ImageInfo>>() {}.getType());
    return list.stream().map(i -> i.uuid).toList();
  }

  @Test
  void referencesDecideWhichImagesAreOrphans() throws Exception {
    ImageId a = upload(1);
    ImageId b = upload(2);
    ImageId c = upload(3);
    // Freshly uploaded and unreferenced: orphans from the start, but young.
    assertThat(orphanIds(null)).containsExactly(a.value(), b.value(), c.value());
    assertThat(orphanIds("1h")).isEmpty();

    ReferencesResult added =
        indexer.addReferences(
            List.of(
                ref("refs/heads/master", COMMIT_1, "images/login/shot.ref.lnk", a),
                ref("refs/heads/rel-1", COMMIT_2, "images/login/other.ref.lnk", b)));
    assertThat(added.added).isEqualTo(2);
    // Adding again is idempotent.
    assertThat(
            indexer.addReferences(
                    List.of(ref("refs/heads/master", COMMIT_1, "images/login/shot.ref.lnk", a)))
                .added)
        .isEqualTo(0);
    assertThat(orphanIds(null)).containsExactly(c.value());

    ImageInfo infoA = reader.info(a).orElseThrow();
    assertThat(infoA.referenced).isTrue();
    assertThat(infoA.orphanedAt).isNull();
    assertThat(infoA.references).hasSize(1);
    assertThat(infoA.references.get(0).project).isEqualTo("ui/app");
    assertThat(infoA.references.get(0).branch).isEqualTo("refs/heads/master");
    assertThat(infoA.references.get(0).commit).isEqualTo(COMMIT_1);
    assertThat(infoA.references.get(0).path).isEqualTo("images/login/shot.ref.lnk");

    // The rel-1 branch is deleted: the plugin replaces its set by nothing.
    ReferencesResult dropped = indexer.replaceReferences("ui/app", "refs/heads/rel-1", List.of());
    assertThat(dropped.removed).isEqualTo(1);
    assertThat(orphanIds(null)).containsExactly(b.value(), c.value());
    assertThat(reader.info(b).orElseThrow().orphanedAt).isNotNull();
    assertThat(reader.info(a).orElseThrow().referenced).isTrue();

    // A full re-scan of the project: a and c are referenced now.
    ReferencesResult rescan =
        indexer.replaceReferences(
            "ui/app",
            null,
            List.of(
                ref("refs/heads/master", COMMIT_1, "images/login/shot.ref.lnk", a),
                ref("refs/heads/master", COMMIT_2, "images/login/third.ref.lnk", c)));
    assertThat(rescan.added).isEqualTo(1);
    assertThat(rescan.removed).isEqualTo(0);
    assertThat(orphanIds(null)).containsExactly(b.value());
    assertThat(reader.info(c).orElseThrow().orphanedAt).isNull();

    HttpResponse<String> listed =
        service.sendForString(service.request("/references?project=ui/app", UPLOADER).build());
    assertThat(listed.statusCode()).isEqualTo(200);
    List<ReferenceInfo> refs =
        Json.gson().fromJson(listed.body(), new TypeToken<List<ReferenceInfo>>() {}.getType());
    assertThat(refs.stream().map(r -> r.uuid).toList()).containsExactly(a.value(), c.value());

    // The sweep agrees with the incrementally kept marks.
    HttpResponse<String> sweep =
        service.sendForString(
            service.request("/orphans", ADMIN).POST(BodyPublishers.noBody()).build());
    assertThat(sweep.statusCode()).isEqualTo(200);
    OrphanSweepResult swept = Json.gson().fromJson(sweep.body(), OrphanSweepResult.class);
    assertThat(swept.marked).isEqualTo(0);
    assertThat(swept.cleared).isEqualTo(0);
  }

  @Test
  void replacingWithTheStoredSetSendsNothingAndDriftIsStillRepaired() throws Exception {
    ImageId a = upload(30);
    ImageId b = upload(31);
    ReferenceInfo onMaster = ref("refs/heads/master", COMMIT_1, "images/a.ref.lnk", a);
    ReferenceInfo onRel = ref("refs/heads/rel-1", COMMIT_2, "images/b.ref.lnk", b);
    assertThat(indexer.replaceReferences("ui/app", null, List.of(onMaster, onRel)).added)
        .isEqualTo(2);

    // Order, duplicates and commits (a reference keeps the first commit seen) do not matter.
    ReferenceInfo onMasterLater = ref("refs/heads/master", COMMIT_2, "images/a.ref.lnk", a);
    List<ReferenceInfo> sameSet = List.of(onRel, onMasterLater, onRel);
    ReferenceSetInfo stored = reader.referenceSet("ui/app", null);
    assertThat(stored.count).isEqualTo(2);
    assertThat(stored.digest).isEqualTo(ReferenceSetDigest.of(sameSet));
    ReferencesResult again = indexer.replaceReferences("ui/app", null, sameSet);
    assertThat(again.unchanged).isTrue();
    assertThat(again.added).isEqualTo(0);
    assertThat(again.removed).isEqualTo(0);

    // One branch alone has a digest of its own.
    ReferenceSetInfo rel = reader.referenceSet("ui/app", "refs/heads/rel-1");
    assertThat(rel.count).isEqualTo(1);
    assertThat(rel.digest).isEqualTo(ReferenceSetDigest.of(List.of(onRel)));
    assertThat(indexer.replaceReferences("ui/app", "refs/heads/rel-1", List.of(onRel)).unchanged)
        .isTrue();

    // Something else changed the stored set: the digests differ and the replace repairs it.
    ImageId stray = upload(32);
    indexer.addReferences(List.of(ref("refs/heads/master", COMMIT_2, "stray.ref.lnk", stray)));
    assertThat(reader.referenceSet("ui/app", null).digest)
        .isNotEqualTo(ReferenceSetDigest.of(sameSet));
    ReferencesResult repaired = indexer.replaceReferences("ui/app", null, sameSet);
    assertThat(repaired.unchanged).isFalse();
    assertThat(repaired.removed).isEqualTo(1);
    assertThat(reader.info(stray).orElseThrow().orphanedAt).isNotNull();
    assertThat(reader.referenceSet("ui/app", null).digest)
        .isEqualTo(ReferenceSetDigest.of(sameSet));

    // An unknown project has the digest of the empty set, so replacing it by nothing is a no-op.
    ReferenceSetInfo none = reader.referenceSet("ui/none", null);
    assertThat(none.count).isEqualTo(0);
    assertThat(none.digest).isEqualTo(ReferenceSetDigest.of(List.of()));
    assertThat(indexer.replaceReferences("ui/none", null, List.of()).unchanged).isTrue();
  }

  @Test
  void aReferenceMayArriveBeforeItsImage() throws Exception {
    byte[] png = TestPngs.png(10);
    ImageId id = ImageId.forContent(png);
    indexer.addReferences(List.of(ref("refs/heads/master", COMMIT_1, "x.ref.lnk", id)));
    assertThat(reader.info(id)).isEmpty();

    Path file = dir.resolve("late.png");
    Files.write(file, png);
    assertThat(uploader.upload(file, null).created()).isTrue();
    ImageInfo info = reader.info(id).orElseThrow();
    assertThat(info.referenced).isTrue();
    assertThat(info.orphanedAt).isNull();
  }

  @Test
  void onlyUnreferencedOrphansCanBeDeletedAndMarkedOld() throws Exception {
    ImageId kept = upload(20);
    ImageId orphan = upload(21);
    indexer.addReferences(List.of(ref("refs/heads/master", COMMIT_1, "k.ref.lnk", kept)));

    HttpResponse<String> refused =
        service.sendForString(service.request("/orphans/" + kept, ADMIN).DELETE().build());
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(anonymous.exists(kept)).isTrue();
    HttpResponse<String> markRefused =
        service.sendForString(
            service.request("/orphans/" + kept, ADMIN).PUT(BodyPublishers.noBody()).build());
    assertThat(markRefused.statusCode()).isEqualTo(409);

    // Within the grace period it is not listed; marked as orphaned two hours ago, it is.
    assertThat(orphanIds("1h")).doesNotContain(orphan.value());
    Instant twoHoursAgo = Instant.now().minus(2, ChronoUnit.HOURS);
    HttpResponse<String> marked =
        service.sendForString(
            service
                .request("/orphans/" + orphan, ADMIN)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString("{\"orphanedAt\":\"" + twoHoursAgo + "\"}"))
                .build());
    assertThat(marked.statusCode()).isEqualTo(200);
    assertThat(orphanIds("1h")).containsExactly(orphan.value());
    assertThat(orphanIds("PT3H")).isEmpty();
    assertThat(
            service
                .sendForString(service.request("/orphans/" + orphan, UPLOADER).build())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            service
                .sendForString(service.request("/orphans/" + kept, UPLOADER).build())
                .statusCode())
        .isEqualTo(404);

    assertThat(reader.listOrphans(null, 10, 3600).stream().map(i -> i.uuid).toList())
        .containsExactly(orphan.value());
    assertThat(service.client(ADMIN).deleteOrphan(orphan)).isTrue();
    assertThat(anonymous.exists(orphan)).isFalse();
    assertThat(service.client(ADMIN).deleteOrphan(orphan)).isFalse();
    ImagestoreException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ImagestoreException.class, () -> service.client(ADMIN).deleteOrphan(kept));
    assertThat(e.status()).isEqualTo(409);
  }

  /**
   * POST /orphans reports its progress in /metrics: the image visits done (two passes, so twice the
   * images) of the total, not running once it answered.
   */
  @Test
  void recomputeReportsItsProgressInTheMetrics() throws Exception {
    for (int seed = 60; seed < 63; seed++) {
      upload(seed);
    }
    assertThat(service.metric("imagestore_orphan_recompute_running")).isEqualTo(0.0);
    assertThat(service.metric("imagestore_orphan_recompute_images{state=\"total\"}"))
        .isEqualTo(0.0);
    HttpResponse<String> sweep =
        service.sendForString(
            service.request("/orphans", ADMIN).POST(BodyPublishers.noBody()).build());
    assertThat(sweep.statusCode()).isEqualTo(200);
    assertThat(service.metric("imagestore_orphan_recompute_running")).isEqualTo(0.0);
    assertThat(service.metric("imagestore_orphan_recompute_images{state=\"total\"}"))
        .isEqualTo(6.0);
    assertThat(service.metric("imagestore_orphan_recompute_images{state=\"done\"}")).isEqualTo(6.0);
  }

  @Test
  void deletingAReferencedImageNeedsForce() throws Exception {
    ImageId id = upload(30);
    indexer.addReferences(List.of(ref("refs/heads/master", COMMIT_1, "f.ref.lnk", id)));
    HttpResponse<String> refused =
        service.sendForString(service.request("/images/" + id, ADMIN).DELETE().build());
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("referenced");
    HttpResponse<String> forced =
        service.sendForString(
            service.request("/images/" + id + "?force=true", ADMIN).DELETE().build());
    assertThat(forced.statusCode()).isEqualTo(204);
    assertThat(anonymous.exists(id)).isFalse();
  }
}
