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
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How two images are compared.
 *
 * @param threshold how different two colours may be and still match, from 0 (exactly equal) to 1
 *     (anything matches), on pixelmatch's scale; kept to millionths, so that equal options have
 *     equal keys
 * @param detectAntialiasing whether pixels that look like anti-aliasing (of an edge that is there
 *     in both images) are left out of the mismatch count
 * @param ignore regions whose pixels are not compared; kept sorted and without duplicates, so that
 *     equal options have equal keys
 */
public record DiffOptions(double threshold, boolean detectAntialiasing, List<IgnoreRegion> ignore) {
  /** pixelmatch's defaults. */
  public static final DiffOptions DEFAULT = new DiffOptions(0.1, true);

  public DiffOptions {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("the threshold must be between 0 and 1: " + threshold);
    }
    threshold = Math.round(threshold * 1e6) / 1e6;
    ignore = List.copyOf(new TreeSet<>(ignore));
  }

  /** Options comparing every pixel. */
  public DiffOptions(double threshold, boolean detectAntialiasing) {
    this(threshold, detectAntialiasing, List.of());
  }

  /** The threshold in millionths, as it is stored. */
  public int thresholdMillionths() {
    return (int) Math.round(threshold * 1e6);
  }

  /**
   * The ignore regions as one string, {@code x,y,width,height} separated by {@code ;} in their
   * order; empty when there are none.
   */
  public String ignoreKey() {
    return ignore.stream().map(IgnoreRegion::toString).collect(Collectors.joining(";"));
  }

  public DiffOptions withThreshold(double threshold) {
    return new DiffOptions(threshold, detectAntialiasing, ignore);
  }

  public DiffOptions withAntialiasingDetection(boolean detect) {
    return new DiffOptions(threshold, detect, ignore);
  }

  public DiffOptions withIgnore(List<IgnoreRegion> ignore) {
    return new DiffOptions(threshold, detectAntialiasing, ignore);
  }
}
