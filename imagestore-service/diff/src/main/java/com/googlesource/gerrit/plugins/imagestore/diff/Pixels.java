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

/**
 * A decoded image: {@code width * height} pixels in rows, each packed as 8-bit ARGB ({@code
 * 0xAARRGGBB}), so two pixels are equal exactly when their ints are.
 */
public record Pixels(int width, int height, int[] argb) {
  public Pixels {
    if (width <= 0 || height <= 0 || argb.length != width * height) {
      throw new IllegalArgumentException("no " + width + "x" + height + " image");
    }
  }

  public long count() {
    return (long) width * height;
  }
}
