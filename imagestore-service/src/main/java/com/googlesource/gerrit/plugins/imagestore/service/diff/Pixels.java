package com.googlesource.gerrit.plugins.imagestore.service.diff;

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
