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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads and deletes of the same bytes under several ids, at once: the shared blob must never be
 * deleted while an image still needs it, and nothing may fail with a 500.
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
}
