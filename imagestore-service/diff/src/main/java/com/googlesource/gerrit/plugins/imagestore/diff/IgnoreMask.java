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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Which pixels of a {@code width x height} image the ignore regions cover, row by row: the regions
 * clipped to the image, as sorted disjoint spans of columns. Rows change their spans only where a
 * region starts or ends, so a few bands of rows share one list of spans.
 */
final class IgnoreMask {
  private static final int[] NO_SPANS = new int[0];

  /** The first row of each band, ascending, starting at 0. */
  private final int[] bandStarts;

  /** Per band: {@code [from0, to0, from1, to1, ...]}, ascending columns, disjoint. */
  private final int[][] spans;

  private final long count;

  private IgnoreMask(int[] bandStarts, int[][] spans, long count) {
    this.bandStarts = bandStarts;
    this.spans = spans;
    this.count = count;
  }

  /** The mask of {@code regions} on the image; null when none of them covers a pixel of it. */
  static IgnoreMask of(List<IgnoreRegion> regions, int width, int height) {
    List<IgnoreRegion> inside = new ArrayList<>(regions.size());
    TreeSet<Integer> starts = new TreeSet<>();
    starts.add(0);
    for (IgnoreRegion r : regions) {
      if (r.x() < width && r.y() < height) {
        inside.add(r);
        starts.add(r.y());
        if (r.bottom() < height) {
          starts.add((int) r.bottom());
        }
      }
    }
    if (inside.isEmpty()) {
      return null;
    }
    int[] bandStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    int[][] spans = new int[bandStarts.length][];
    long count = 0;
    for (int band = 0; band < bandStarts.length; band++) {
      int row = bandStarts[band];
      int rows = (band + 1 < bandStarts.length ? bandStarts[band + 1] : height) - row;
      spans[band] = spansOfRow(inside, row, width);
      for (int s = 0; s < spans[band].length; s += 2) {
        count += (long) rows * (spans[band][s + 1] - spans[band][s]);
      }
    }
    return new IgnoreMask(bandStarts, spans, count);
  }

  private static int[] spansOfRow(List<IgnoreRegion> regions, int row, int width) {
    List<int[]> covering = new ArrayList<>();
    for (IgnoreRegion r : regions) {
      if (r.y() <= row && row < r.bottom()) {
        covering.add(new int[] {r.x(), (int) Math.min(r.right(), width)});
      }
    }
    if (covering.isEmpty()) {
      return NO_SPANS;
    }
    covering.sort((p, q) -> Integer.compare(p[0], q[0]));
    int[] merged = new int[2 * covering.size()];
    int n = 0;
    for (int[] span : covering) {
      if (n > 0 && span[0] <= merged[n - 1]) {
        merged[n - 1] = Math.max(merged[n - 1], span[1]);
      } else {
        merged[n++] = span[0];
        merged[n++] = span[1];
      }
    }
    return Arrays.copyOf(merged, n);
  }

  /** The ignored spans of row {@code y}: {@code [from0, to0, from1, to1, ...]}. */
  int[] row(int y) {
    int band = Arrays.binarySearch(bandStarts, y);
    return spans[band >= 0 ? band : -band - 2];
  }

  /** How many pixels the regions cover together. */
  long count() {
    return count;
  }
}
