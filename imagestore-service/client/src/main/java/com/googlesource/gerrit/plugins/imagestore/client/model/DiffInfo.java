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

package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.util.List;

/**
 * The figures of a comparison of two images ({@code GET /diff/{uuidA}/{uuidB}/info}, and the
 * command line's {@code diff --json}).
 */
public class DiffInfo {
  /** The reference image; null when local files were compared. */
  public String uuidA;

  /** The image compared with it. */
  public String uuidB;

  /** The size of the compared area: the larger of the two when the sizes differ. */
  public int width;

  public int height;

  /** Pixels that differ beyond the threshold and are no anti-aliasing; all when sizes differ. */
  public long mismatchedPixels;

  /** Mismatched pixels in percent of {@code width * height}. */
  public double mismatchPercentage;

  /** Pixels that differ beyond the threshold but look like anti-aliasing (not mismatched). */
  public long antialiasedPixels;

  /** The two images have different sizes: a full mismatch. */
  public boolean sizeMismatch;

  /** Every pixel is exactly equal. */
  public boolean identical;

  /** The verdict: fewer mismatched pixels than {@link #allowedMismatchedPixels}. */
  public boolean passed;

  /** The colour threshold used (0: exact, 1: anything matches). */
  public double threshold;

  /** Whether anti-aliased pixels were counted as mismatches. */
  public boolean includeAntialiasing;

  /** The pass rule: below this percentage of the pixels... */
  public double maxMismatchPercentage;

  /** ...and below this many pixels. */
  public long maxMismatchedPixels;

  /** What the rule allows for this image: min(percentage of the pixels, pixel count). */
  public double allowedMismatchedPixels;

  /**
   * Blocks whose content moved, "moved by (dx, dy)"; empty when none (or the sizes differ). They
   * explain mismatched pixels but do not change the verdict: a move is a change.
   */
  public List<ShiftInfo> shifts;

  /** The mismatched pixels the {@link #shifts} explain (part of {@link #mismatchedPixels}). */
  public long shiftedPixels;
}
