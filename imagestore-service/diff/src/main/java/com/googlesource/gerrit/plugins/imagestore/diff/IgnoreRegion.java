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

import java.util.Comparator;

/**
 * A rectangle of the images whose pixels are not compared (a clock, a caret, an animation), in
 * pixels from the top left corner. It may reach beyond the images: only the part inside counts.
 */
public record IgnoreRegion(int x, int y, int width, int height)
    implements Comparable<IgnoreRegion> {
  private static final Comparator<IgnoreRegion> ORDER =
      Comparator.comparingInt(IgnoreRegion::y)
          .thenComparingInt(IgnoreRegion::x)
          .thenComparingInt(IgnoreRegion::height)
          .thenComparingInt(IgnoreRegion::width);

  public IgnoreRegion {
    if (x < 0 || y < 0 || width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "a region needs x, y >= 0 and width, height >= 1: "
              + x
              + ","
              + y
              + ","
              + width
              + ","
              + height);
    }
  }

  /** The first column right of the region (beyond {@code int} for huge regions). */
  long right() {
    return (long) x + width;
  }

  /** The first row below the region. */
  long bottom() {
    return (long) y + height;
  }

  /** As the endpoints take it: {@code x,y,width,height}. */
  @Override
  public String toString() {
    return x + "," + y + "," + width + "," + height;
  }

  @Override
  public int compareTo(IgnoreRegion other) {
    return ORDER.compare(this, other);
  }
}
