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

package com.googlesource.gerrit.plugins.imagestore.client.compare;

/**
 * A rectangle of an image, in pixels from its top left corner: an area the comparison ignores.
 *
 * @throws IllegalArgumentException when {@code x} or {@code y} is negative, {@code width} or {@code
 *     height} below 1, or the rectangle reaches beyond {@link Integer#MAX_VALUE}
 */
public record Region(int x, int y, int width, int height) {
  public Region {
    if (x < 0 || y < 0) {
      throw new IllegalArgumentException("x and y must not be negative: " + x + ", " + y);
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "width and height must be at least 1: " + width + ", " + height);
    }
    if ((long) x + width > Integer.MAX_VALUE || (long) y + height > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the region reaches beyond " + Integer.MAX_VALUE);
    }
  }

  /** Parses the query parameter form {@code x,y,width,height} (see {@link #toQueryValue}). */
  public static Region parse(String value) {
    String[] parts = value.split(",", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("expected x,y,width,height");
    }
    try {
      return new Region(
          Integer.parseInt(parts[0]),
          Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]),
          Integer.parseInt(parts[3]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected four whole numbers x,y,width,height", e);
    }
  }

  /** The number of pixels it covers. */
  public long area() {
    return (long) width * height;
  }

  /** The value of an {@code ignore} query parameter: {@code x,y,width,height}. */
  public String toQueryValue() {
    return x + "," + y + "," + width + "," + height;
  }
}
