package com.googlesource.gerrit.plugins.imagestore.client.model;

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
}
