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
 * When a comparison passes, by UIVeri5's rule: fewer mismatched pixels than {@code
 * maxMismatchPercentage} percent of the image and fewer than {@code maxMismatchedPixels}. No
 * mismatched pixel always passes, so a zero rule means "exactly equal".
 */
public record PassRule(double maxMismatchPercentage, long maxMismatchedPixels) {
  /** UIVeri5's defaults: 0.1 % and 200 pixels. */
  public static final PassRule DEFAULT = new PassRule(0.1, 200);

  public PassRule {
    if (!(maxMismatchPercentage >= 0 && maxMismatchPercentage <= 100)) {
      throw new IllegalArgumentException(
          "the percentage must be between 0 and 100: " + maxMismatchPercentage);
    }
    if (maxMismatchedPixels < 0) {
      throw new IllegalArgumentException(
          "the pixel count must not be negative: " + maxMismatchedPixels);
    }
  }

  /** The bound the mismatch count must stay below, for an image of {@code totalPixels}. */
  public double allowedMismatchedPixels(long totalPixels) {
    return Math.min(totalPixels * maxMismatchPercentage / 100, maxMismatchedPixels);
  }

  public boolean passes(long mismatchedPixels, long totalPixels) {
    return mismatchedPixels == 0 || mismatchedPixels < allowedMismatchedPixels(totalPixels);
  }
}
