package com.googlesource.gerrit.plugins.imagestore.service.diff;

/**
 * How two images are compared.
 *
 * @param threshold how different two colours may be and still match, from 0 (exactly equal) to 1
 *     (anything matches), on pixelmatch's scale; kept to millionths, so that equal options have
 *     equal keys
 * @param detectAntialiasing whether pixels that look like anti-aliasing (of an edge that is there
 *     in both images) are left out of the mismatch count
 */
public record DiffOptions(double threshold, boolean detectAntialiasing) {
  /** pixelmatch's defaults. */
  public static final DiffOptions DEFAULT = new DiffOptions(0.1, true);

  public DiffOptions {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("the threshold must be between 0 and 1: " + threshold);
    }
    threshold = Math.round(threshold * 1e6) / 1e6;
  }

  /** The threshold in millionths, as it is stored. */
  public int thresholdMillionths() {
    return (int) Math.round(threshold * 1e6);
  }

  public DiffOptions withThreshold(double threshold) {
    return new DiffOptions(threshold, detectAntialiasing);
  }

  public DiffOptions withAntialiasingDetection(boolean detect) {
    return new DiffOptions(threshold, detect);
  }
}
