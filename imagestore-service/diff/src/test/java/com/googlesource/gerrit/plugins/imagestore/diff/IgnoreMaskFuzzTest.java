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

package com.googlesource.gerrit.plugins.imagestore.diff;

import static com.google.common.truth.Truth.assertWithMessage;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * The ignore mask on any regions, against a pixel-by-pixel reference: every row's spans are sorted,
 * disjoint and apart (the compare loop relies on it), cover exactly the pixels some region covers,
 * and the count is their number. Every test run replays the corpus in {@code
 * IgnoreMaskFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class IgnoreMaskFuzzTest {
  @FuzzTest
  void spansAreTheUnionOfTheRegions(FuzzedDataProvider data) {
    int width = data.consumeInt(1, 64);
    int height = data.consumeInt(1, 64);
    List<IgnoreRegion> regions = new ArrayList<>();
    for (int n = data.consumeInt(0, 12); n > 0; n--) {
      int x = data.consumeInt(0, 80);
      int y = data.consumeInt(0, 80);
      // Now and then a region as large as an int allows.
      int w = data.consumeBoolean() ? data.consumeInt(1, 80) : Integer.MAX_VALUE;
      int h = data.consumeBoolean() ? data.consumeInt(1, 80) : Integer.MAX_VALUE;
      regions.add(new IgnoreRegion(x, y, w, h));
    }
    boolean[][] covered = new boolean[height][width];
    long count = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (IgnoreRegion r : regions) {
          covered[y][x] |= x >= r.x() && x < r.right() && y >= r.y() && y < r.bottom();
        }
        count += covered[y][x] ? 1 : 0;
      }
    }
    IgnoreMask mask = IgnoreMask.of(regions, width, height);
    if (mask == null) {
      assertWithMessage("no mask, yet pixels are covered").that(count).isEqualTo(0);
      return;
    }
    assertWithMessage("count").that(mask.count()).isEqualTo(count);
    for (int y = 0; y < height; y++) {
      int[] spans = mask.row(y);
      boolean[] row = new boolean[width];
      int end = -1;
      for (int s = 0; s < spans.length; s += 2) {
        assertWithMessage("row %s: span starts after the last one ended, apart", y)
            .that(spans[s])
            .isGreaterThan(end);
        assertWithMessage("row %s: span is not empty and within the image", y)
            .that(spans[s] < spans[s + 1] && spans[s + 1] <= width)
            .isTrue();
        for (int x = spans[s]; x < spans[s + 1]; x++) {
          row[x] = true;
        }
        end = spans[s + 1];
      }
      for (int x = 0; x < width; x++) {
        assertWithMessage("pixel (%s, %s)", x, y).that(row[x]).isEqualTo(covered[y][x]);
      }
    }
  }
}
