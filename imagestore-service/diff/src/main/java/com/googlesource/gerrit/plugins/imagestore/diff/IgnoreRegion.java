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

  /**
   * Reads {@code x,y,width,height} as the diff endpoints and the command line take it: whole
   * numbers, x and y from 0, width and height from 1.
   *
   * @throws IllegalArgumentException with a message naming the expected form and (the start of) the
   *     text
   */
  public static IgnoreRegion parse(String text) {
    String[] parts = text.length() > 64 ? new String[0] : text.split(",", -1);
    if (parts.length == 4) {
      try {
        return new IgnoreRegion(
            Integer.parseInt(parts[0]),
            Integer.parseInt(parts[1]),
            Integer.parseInt(parts[2]),
            Integer.parseInt(parts[3]));
      } catch (IllegalArgumentException e) { // NumberFormatException too
        // Refused below, with the same message for every malformed text.
      }
    }
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    throw new IllegalArgumentException(
        "ignore must be x,y,width,height (whole numbers; x, y from 0; width, height from 1), not '"
            + shown
            + "'");
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
