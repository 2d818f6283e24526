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

import java.util.List;

/**
 * What a comparison found.
 *
 * @param width the width of the compared area: the larger of the two when the sizes differ
 * @param height the height of the compared area, likewise
 * @param mismatchedPixels pixels that differ beyond the threshold and are no anti-aliasing; every
 *     pixel when the sizes differ
 * @param antialiasedPixels pixels that differ beyond the threshold but look like anti-aliasing
 * @param sizeMismatch the images have different sizes: a full mismatch
 * @param identical every pixel is exactly equal (identical bytes are, without being decoded)
 * @param diffPng the diff picture, or null when it was not asked for; blank (white, ignore regions
 *     hatched) for identical bytes, which are not decoded
 * @param ignoredPixels pixels inside the ignore regions: not compared, so neither mismatched nor
 *     anti-aliased (they still count in {@link #totalPixels}, as in pixelmatch with a mask); 0 when
 *     the sizes differ. {@code identical} speaks of the compared pixels only
 * @param shifts blocks whose content moved ({@link Shift}); they explain mismatched pixels, they do
 *     not forgive them: the verdict counts every mismatched pixel
 */
public record DiffResult(
    int width,
    int height,
    long mismatchedPixels,
    long antialiasedPixels,
    boolean sizeMismatch,
    boolean identical,
    byte[] diffPng,
    long ignoredPixels,
    List<Shift> shifts) {

  public DiffResult {
    shifts = List.copyOf(shifts);
  }

  /** The figures of a comparison without ignore regions and without moved blocks. */
  public DiffResult(
      int width,
      int height,
      long mismatchedPixels,
      long antialiasedPixels,
      boolean sizeMismatch,
      boolean identical,
      byte[] diffPng) {
    this(
        width,
        height,
        mismatchedPixels,
        antialiasedPixels,
        sizeMismatch,
        identical,
        diffPng,
        0,
        List.of());
  }

  /** The mismatched pixels the moves explain. */
  public long shiftedPixels() {
    long sum = 0;
    for (Shift shift : shifts) {
      sum += shift.mismatchedPixels();
    }
    return sum;
  }

  public long totalPixels() {
    return (long) width * height;
  }

  /** Mismatched pixels in percent of all pixels. */
  public double mismatchPercentage() {
    return 100.0 * mismatchedPixels / totalPixels();
  }

  /** The figures alone, to keep once the picture is stored. */
  public DiffResult withoutPicture() {
    return new DiffResult(
        width,
        height,
        mismatchedPixels,
        antialiasedPixels,
        sizeMismatch,
        identical,
        null,
        ignoredPixels,
        shifts);
  }

  public boolean passes(PassRule rule) {
    return rule.passes(mismatchedPixels, totalPixels());
  }
}
