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

package com.googlesource.gerrit.plugins.imagestore.service.images;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What H2 reads for a page of orphans without a filter ({@link ImageRepository#H2_ORPHAN_WALK}), as
 * its own {@code EXPLAIN ANALYZE} counts it on a real embedded database: the marked images from the
 * page's start, never the unmarked ones — also for a last page that is not full, which is where a
 * walk without an end goes on through every unmarked image.
 */
class OrphanWalkOnH2Test {
  private static final long NOW = 1_750_000_000_000L;
  private static final int UNMARKED = 400;

  /** H2 also counts the index entry at each end of the range it walks. */
  private static final int ENDS = 2;

  private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

  @TempDir Path dir;
  private Database db;
  private final ImageRepository images = new ImageRepository();
  private final List<String> orphans = new ArrayList<>();

  @BeforeEach
  void fill() {
    db = Database.open(Database.embeddedUrl(dir), null, null, 2);
    TestRuntime rt = new TestRuntime("linux", "1600x1200", "chrome", "light", "ltr", "cozy");
    db.inTransaction(
        c -> {
          // Every 35th of 412 is marked: 12 orphans among UNMARKED others, ids spread over the
          // range.
          for (int n = 0; n < UNMARKED + 12; n++) {
            String uuid = String.format("%032x", n * 7_919L);
            boolean marked = n % 35 == 0;
            if (marked) {
              orphans.add(uuid);
            }
            images.insert(
                c,
                new ImageRecord(
                    uuid,
                    "a".repeat(64),
                    10,
                    1,
                    1,
                    NOW,
                    "uploader",
                    new TestSpec("lib", "spec", "master"),
                    rt,
                    marked ? NOW - 1 : null));
          }
          return null;
        });
    orphans.sort(null);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aFullPageReadsOnlyItsOrphans() throws Exception {
    assertThat(listed("", 5)).containsExactlyElementsIn(orphans.subList(0, 5)).inOrder();
    assertThat(imagesScanned("", 5)).isAtMost(5 + ENDS);
  }

  @Test
  void aShortLastPageReadsOnlyTheOrphansAfterItsStart() throws Exception {
    String after = orphans.get(orphans.size() - 4);
    assertThat(listed(after, 60))
        .containsExactlyElementsIn(orphans.subList(orphans.size() - 3, orphans.size()))
        .inOrder();
    assertThat(imagesScanned(after, 60)).isAtMost(3 + ENDS);
    assertThat(imagesScanned("", 1000)).isAtMost(orphans.size() + ENDS);
  }

  private List<String> listed(String after, int limit) {
    return db
        .<List<ImageRecord>>read(
            c ->
                images.listOrphans(
                    c,
                    new ImageRepository.OrphanFilter(NOW, null, null),
                    after.isEmpty() ? null : after,
                    limit))
        .stream()
        .map(ImageRecord::uuid)
        .toList();
  }

  /** The rows H2 read from the images index for the walk (the plan's first scan count). */
  private long imagesScanned(String after, int limit) {
    String plan =
        db.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("EXPLAIN ANALYZE " + ImageRepository.H2_ORPHAN_WALK)) {
                ps.setString(1, after);
                ps.setLong(2, NOW);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getString(1);
                }
              }
            });
    assertThat(plan).contains("images_orphan_uuid");
    Matcher m = SCAN_COUNT.matcher(plan);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
