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
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.client.model.ErrorInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceBucketInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reconcile that finds a drifted set sends only the buckets that differ ({@code GET
 * /references/digest?buckets=N}, {@code PUT /references/buckets}), on embedded H2 and PostgreSQL,
 * with the same outcome as a whole replace.
 */
class ReferenceBucketsApiTest extends ReferenceApiTestBase {
  private ImageId upload(int seed) throws Exception {
    Path file = dir.resolve("img-" + seed + ".png");
    Files.write(file, TestPngs.png(seed));
    return client(UPLOADER).upload(file, null).id();
  }

  private static ReferenceInfo ref(String project, String path, ImageId id) {
    return new ReferenceInfo(project, "refs/heads/master", COMMIT, path, id.value());
  }

  private static List<ReferenceInfo> with(List<ReferenceInfo> set, ReferenceInfo... more) {
    List<ReferenceInfo> out = new ArrayList<>(set);
    out.addAll(List.of(more));
    return out;
  }

  /** The stored set as sorted keys. */
  private TreeSet<String> stored(String project) throws Exception {
    TreeSet<String> keys = new TreeSet<>();
    for (ReferenceInfo r : client(UPLOADER).listReferences(project, null)) {
      keys.add(ReferenceSetDigest.key(r.branch, r.path, r.uuid));
    }
    return keys;
  }

  private static TreeSet<String> keys(List<ReferenceInfo> set) {
    TreeSet<String> keys = new TreeSet<>();
    for (ReferenceInfo r : set) {
      keys.add(ReferenceSetDigest.key(r.branch, r.path, r.uuid));
    }
    return keys;
  }

  private boolean orphaned(ImageId id) throws Exception {
    return client(UPLOADER).info(id).orElseThrow().orphanedAt != null;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return service.sendForString(
        service
            .request(path, INDEXER)
            .header("Content-Type", "application/json")
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
            .build());
  }

  private static String body(String project, List<ReferenceInfo> refs) {
    ReferencesInput in = new ReferencesInput();
    in.project = project;
    in.references = refs;
    return Json.gson().toJson(in);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void aDriftedSetSendsOnlyItsDifferingBucketsAndEndsAsAWholeReplace(String database)
      throws Exception {
    start(database);
    ImagestoreClient indexer = client(INDEXER);
    ImageId kept = upload(1);
    ImageId stray = upload(2);
    ImageId twinStray = upload(3);
    ImageId trashed = upload(4);
    List<ReferenceInfo> set = with(randomSet("ui/app", 600, 42), ref("ui/app", "kept", kept));
    List<ReferenceInfo> twinSet = with(randomSet("ui/twin", 600, 42), ref("ui/twin", "kept", kept));
    ReferenceBuckets cut = ReferenceBuckets.of(ReferenceBuckets.countFor(set.size() + 1));
    assertThat(cut.count()).isEqualTo(4);

    // A first import differs in every bucket: the whole set goes, as before.
    ReferencesResult first = indexer.replaceReferences("ui/app", null, set);
    assertThat(first.added).isEqualTo(601);
    assertThat(first.replacedBuckets).isNull();
    assertThat(indexer.replaceReferences("ui/twin", null, twinSet).added).isEqualTo(601);

    // The digest cut in buckets: each bucket's count and digest, the empty ones left out.
    ReferenceSetInfo digests = client(UPLOADER).referenceSet("ui/app", null, cut.count());
    assertThat(digests.digest).isEqualTo(ReferenceSetDigest.of(set));
    assertThat(digests.buckets).isEqualTo(cut.count());
    Map<Integer, ReferenceBuckets.Digest> expected = cut.digestsOfKeys(keys(set)).buckets();
    Map<Integer, ReferenceBuckets.Digest> answered = new TreeMap<>();
    for (ReferenceBucketInfo b : digests.bucketDigests) {
      answered.put(b.bucket, new ReferenceBuckets.Digest(b.count, b.digest));
    }
    assertThat(answered).isEqualTo(expected);
    // Without ?buckets the answer is as before.
    assertThat(client(UPLOADER).referenceSet("ui/app", null).bucketDigests).isNull();

    // Equal sets: nothing is sent.
    ReferencesResult unchanged = indexer.replaceReferences("ui/app", null, set);
    assertThat(unchanged.unchanged).isTrue();
    assertThat(unchanged.replacedBuckets).isNull();

    // Drift in both projects: a stray reference each. The scanned set also names an image that
    // went to the trash meanwhile (a revert): the bucket replace brings it back.
    indexer.addReferences(List.of(ref("ui/app", "stray", stray)));
    indexer.addReferences(List.of(ref("ui/twin", "stray", twinStray)));
    assertThat(orphaned(stray)).isFalse();
    HttpResponse<String> toTrash =
        service.sendForString(
            service.request("/images/" + trashed.value(), ADMIN).DELETE().build());
    assertThat(toTrash.statusCode()).isEqualTo(204);
    List<ReferenceInfo> scanned = with(set, ref("ui/app", "revert", trashed));
    List<ReferenceInfo> twinScanned = with(twinSet, ref("ui/twin", "revert", trashed));

    ReferencesResult bucketed = indexer.replaceReferences("ui/app", null, scanned);
    assertThat(bucketed.unchanged).isFalse();
    assertThat(bucketed.replacedBuckets)
        .containsExactlyElementsIn(
            new TreeSet<>(List.of(cut.of(stray.value()), cut.of(trashed.value()))))
        .inOrder();
    assertThat(bucketed.removed).isEqualTo(1);
    assertThat(bucketed.added).isEqualTo(1);
    assertThat(bucketed.restored).isEqualTo(1);
    assertThat(stored("ui/app")).isEqualTo(keys(scanned));
    assertThat(orphaned(stray)).isTrue();
    assertThat(orphaned(kept)).isFalse();
    assertThat(client(UPLOADER).info(trashed)).isPresent();
    assertThat(orphaned(trashed)).isFalse();

    // The twin project gets the same repair as a whole replace: the same counts and end state.
    HttpResponse<String> whole = send("PUT", "/references", body("ui/twin", twinScanned));
    assertThat(whole.statusCode()).isEqualTo(200);
    ReferencesResult wholeResult = Json.gson().fromJson(whole.body(), ReferencesResult.class);
    assertThat(wholeResult.removed).isEqualTo(bucketed.removed);
    assertThat(wholeResult.added).isEqualTo(bucketed.added);
    assertThat(stored("ui/twin")).isEqualTo(keys(twinScanned));
    assertThat(orphaned(twinStray)).isTrue();

    // And the repaired set is whole again: the next reconcile sends nothing.
    assertThat(indexer.replaceReferences("ui/app", null, scanned).unchanged).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void aBucketReplaceLeavesOtherBucketsAndOtherBranchesAlone(String database) throws Exception {
    start(database);
    ImagestoreClient indexer = client(INDEXER);
    List<ReferenceInfo> set = randomSet("ui/app", 600, 7);
    indexer.replaceReferences("ui/app", null, set);
    ReferenceBuckets cut = ReferenceBuckets.of(4);

    // Bucket 2 replaced by nothing: its references go, the other buckets' stay.
    HttpResponse<String> r =
        send("PUT", "/references/buckets?buckets=4&bucket=2", body("ui/app", List.of()));
    assertThat(r.statusCode()).isEqualTo(200);
    List<ReferenceInfo> rest = set.stream().filter(x -> cut.of(x.uuid) != 2).toList();
    assertThat(Json.gson().fromJson(r.body(), ReferencesResult.class).removed)
        .isEqualTo(set.size() - rest.size());
    assertThat(stored("ui/app")).isEqualTo(keys(rest));

    // One branch's buckets: the other branch keeps its references in the same buckets.
    ReferencesInput in = new ReferencesInput();
    in.project = "ui/app";
    in.branch = "refs/heads/master";
    in.references = List.of();
    r = send("PUT", "/references/buckets?buckets=4&bucket=0,1", Json.gson().toJson(in));
    assertThat(r.statusCode()).isEqualTo(200);
    List<ReferenceInfo> left =
        rest.stream()
            .filter(x -> x.branch.equals("refs/heads/rel-1") || cut.of(x.uuid) > 1)
            .toList();
    assertThat(stored("ui/app")).isEqualTo(keys(left));

    // The client repairs it all by sending those buckets again.
    ReferencesResult repaired = indexer.replaceReferences("ui/app", null, set);
    assertThat(repaired.replacedBuckets).containsExactly(0, 1, 2).inOrder();
    assertThat(stored("ui/app")).isEqualTo(keys(set));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void invalidBucketsAreRefusedAndChangeNothing(String database) throws Exception {
    start(database);
    List<ReferenceInfo> set = randomSet("ui/app", 300, 9);
    client(INDEXER).replaceReferences("ui/app", null, set);
    ReferenceBuckets cut = ReferenceBuckets.of(4);
    List<ReferenceInfo> inBucket1 = set.stream().filter(x -> cut.of(x.uuid) == 1).toList();
    List<ReferenceInfo> inBucket3 = set.stream().filter(x -> cut.of(x.uuid) == 3).toList();

    for (String query :
        List.of("buckets=3", "buckets=0", "buckets=8192", "buckets=-4", "buckets=four")) {
      HttpResponse<String> r =
          service.sendForString(
              service.request("/references/digest?project=ui/app&" + query, UPLOADER).build());
      assertBadRequest("GET digest?" + query, r, "bad_buckets");
    }
    for (String query :
        List.of(
            "buckets=3&bucket=1",
            "buckets=4&bucket=4",
            "buckets=4&bucket=-1",
            "buckets=4&bucket=1,x",
            "buckets=4&bucket=",
            "buckets=4",
            "bucket=1",
            "")) {
      HttpResponse<String> r =
          send("PUT", "/references/buckets?" + query, body("ui/app", List.of()));
      assertBadRequest("PUT buckets?" + query, r, "bad_buckets");
    }
    // A reference outside the buckets named: refused, not stored, nothing of bucket 1 removed.
    HttpResponse<String> outside =
        send(
            "PUT",
            "/references/buckets?buckets=4&bucket=1",
            body("ui/app", with(inBucket1.subList(1, inBucket1.size()), inBucket3.get(0))));
    assertBadRequest("a reference of bucket 3", outside, "bad_references");
    assertThat(outside.body()).contains("outside the buckets replaced");
    assertThat(stored("ui/app")).isEqualTo(keys(set));
    assertThat(client(UPLOADER).referenceSet("ui/app", null).digest)
        .isEqualTo(ReferenceSetDigest.of(set));
  }

  private static void assertBadRequest(String what, HttpResponse<String> r, String code) {
    assertWithMessage(what + ": " + r.body()).that(r.statusCode()).isEqualTo(400);
    assertWithMessage(what)
        .that(Json.gson().fromJson(r.body(), ErrorInfo.class).error)
        .isEqualTo(code);
  }
}
