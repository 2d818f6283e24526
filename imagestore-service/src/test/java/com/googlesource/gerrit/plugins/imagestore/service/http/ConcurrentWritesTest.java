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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads and deletes of the same bytes under several ids, at once: the shared blob must never be
 * deleted while an image still needs it, and nothing may fail with a 500. Uploads racing with the
 * references that name them end with the orphan marks the references say.
 */
class ConcurrentWritesTest {
  @TempDir Path dir;

  @Test
  void racingUploadsAndDeletesOfSharedContentNeverLoseBytes() throws Exception {
    byte[] png = TestPngs.png(4242);
    String sha = ImageId.sha256Hex(png);
    int writers = 6;
    int rounds = 16; // even: the last round uploads and keeps its image
    Set<Integer> statuses = ConcurrentHashMap.newKeySet();
    try (TestService service = TestService.start(dir)) {
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String id = String.format("%032x", w + 1);
          work.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < rounds; i++) {
                      statuses.add(
                          service
                              .send(
                                  service
                                      .request("/images/" + id + "?import=true", ADMIN)
                                      .header("Content-Type", "image/png")
                                      .PUT(BodyPublishers.ofByteArray(png))
                                      .build())
                              .statusCode());
                      // Every image that exists must be readable in full at any moment.
                      var get = service.send(service.request("/images/" + id, null).build());
                      statuses.add(get.statusCode());
                      if (get.statusCode() == 200) {
                        assertThat(get.body()).isEqualTo(png);
                      }
                      if (i % 2 == 0) {
                        statuses.add(
                            service
                                .send(service.request("/images/" + id, ADMIN).DELETE().build())
                                .statusCode());
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : work) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(statuses).containsNoneOf(500, 503);
      // Every writer ended with an upload: all images and their shared bytes are there.
      List<String> left = service.store().images().list(null, 1000);
      assertThat(left).hasSize(writers);
      for (String id : left) {
        ImageRecord r = service.store().images().find(ImageId.of(id)).orElseThrow();
        assertThat(r.sha256()).isEqualTo(sha);
      }
      assertThat(service.store().blobs().exists(sha)).isTrue();
    }
  }

  /**
   * Uploads racing with the references that name them: some get a reference added, others lose
   * theirs, at the same moment as their upload. The upload's transaction cannot see a reference
   * committed after it started, nor the reference change the upload's new row: the recheck after
   * the upload commits (shared among the uploads of the moment) is what sets the mark right.
   */
  @Test
  void uploadsRacingWithTheirReferencesEndWithTheRightOrphanMarksOnH2() throws Exception {
    try (TestService service = TestService.start(dir)) {
      raceUploadsWithReferences(service);
    }
  }

  @Test
  void uploadsRacingWithTheirReferencesEndWithTheRightOrphanMarksOnPostgres() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      try (TestService service =
          TestService.start(dir, c -> c.withDatabase(pg.url(), pg.user(), pg.password()))) {
        raceUploadsWithReferences(service);
      }
    }
  }

  /** Uploads each of {@code pngs} as soon as every party of {@code together} is ready. */
  private static Void uploadInTurns(TestService service, CyclicBarrier together, List<byte[]> pngs)
      throws Exception {
    for (byte[] png : pngs) {
      together.await(30, TimeUnit.SECONDS);
      service.upload(png);
    }
    return null;
  }

  private static void raceUploadsWithReferences(TestService service) throws Exception {
    int rounds = 20;
    String commit = "c".repeat(40);
    List<byte[]> referenced = new ArrayList<>();
    List<byte[]> unreferenced = new ArrayList<>();
    List<ReferenceInfo> doomed = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      referenced.add(TestPngs.png(7000 + i));
      unreferenced.add(TestPngs.png(8000 + i));
      doomed.add(
          new ReferenceInfo(
              "ui/app",
              "refs/heads/old",
              commit,
              "old-" + i + ".ref.lnk",
              ImageId.forContent(unreferenced.get(i)).value()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (ImagestoreClient indexer = service.client(INDEXER)) {
      indexer.replaceReferences("ui/app", "refs/heads/old", doomed);
      CyclicBarrier together = new CyclicBarrier(3);
      List<Future<?>> work = new ArrayList<>();
      work.add(pool.submit(() -> uploadInTurns(service, together, referenced)));
      work.add(pool.submit(() -> uploadInTurns(service, together, unreferenced)));
      work.add(
          pool.submit(
              () -> {
                for (int i = 0; i < rounds; i++) {
                  together.await(30, TimeUnit.SECONDS);
                  indexer.addReferences(
                      List.of(
                          new ReferenceInfo(
                              "ui/app",
                              "refs/heads/master",
                              commit,
                              "new-" + i + ".ref.lnk",
                              ImageId.forContent(referenced.get(i)).value())));
                  indexer.replaceReferences(
                      "ui/app", "refs/heads/old", doomed.subList(i + 1, rounds));
                }
                return null;
              }));
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (byte[] png : referenced) {
      ImageRecord r = service.store().images().find(ImageId.forContent(png)).orElseThrow();
      assertThat(r.orphanedAt()).isNull();
    }
    for (byte[] png : unreferenced) {
      ImageRecord r = service.store().images().find(ImageId.forContent(png)).orElseThrow();
      assertThat(r.orphanedAt()).isNotNull();
    }
    ImageRepository images = new ImageRepository();
    assertThat(service.store().database().<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE)))
        .isEqualTo(0);
    assertThat(service.store().database().<List<String>>read(c -> images.marksOutOfStep(c, 100)))
        .isEmpty();
  }
}
