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
 * How large a comparison the engine takes on, checked from the two PNG headers alone, in {@code
 * long} arithmetic, before anything is decoded or allocated.
 *
 * @param maxPixels most pixels of each image and of the area the two cover together (the diff
 *     picture of images of different sizes spans the larger width and the larger height)
 * @param maxBytes most bytes one comparison may hold: see {@link #bytesNeeded}
 */
public record DiffLimits(long maxPixels, long maxBytes) {
  /** The largest Java array; the engine's arrays are indexed by int. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** 8K UHD is 33 megapixels; twice that leaves room for long full-page screenshots. */
  public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;

  public DiffLimits {
    if (maxPixels <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("diff limits must be positive");
    }
  }

  /**
   * For one comparison at a time in this process (the command line): the service's default pixel
   * limit and three quarters of the heap.
   */
  public static DiffLimits standalone() {
    return new DiffLimits(DEFAULT_MAX_PIXELS, Runtime.getRuntime().maxMemory() / 4 * 3);
  }

  /**
   * Bytes a comparison holds at most: the encoded inputs, then for each image decoded its image
   * data as PNG defines it (a filter byte and ⌈width × channels × bit depth / 8⌉ bytes a row), the
   * 4-byte ARGB pixels compared and a few rows of buffers; with a picture, 3 bytes for each of its
   * {@code height × (width + 1)} bytes of rows (the rows, their compressed parts and the PNG).
   *
   * @param b null when both images have the same bytes: one is decoded
   * @param encodedBytes the PNG bytes of both images, held throughout
   */
  public static long bytesNeeded(PngHeader a, PngHeader b, boolean picture, long encodedBytes) {
    long bytes = encodedBytes + decodedBytes(a) + (b == null ? 0 : decodedBytes(b));
    if (picture) {
      bytes += 3 * canvasRowBytes(a, b);
    }
    return bytes;
  }

  /**
   * Checks a comparison of images with headers {@code a} and {@code b} (null: the same bytes) and
   * returns {@link #bytesNeeded}.
   *
   * @throws DiffTooLargeException when an image or the area both cover has more than {@link
   *     #maxPixels} pixels, or the comparison needs more than {@link #maxBytes} bytes
   */
  public long check(PngHeader a, PngHeader b, boolean picture, long encodedBytes)
      throws DiffTooLargeException {
    checkArea(a.width(), a.height(), "the image has", Side.A);
    if (b != null) {
      checkArea(b.width(), b.height(), "the image has", Side.B);
      checkArea(
          Math.max(a.width(), b.width()),
          Math.max(a.height(), b.height()),
          "the images (" + size(a) + " and " + size(b) + ") together cover",
          null);
    }
    long bytes = bytesNeeded(a, b, picture, encodedBytes);
    if (bytes > maxBytes) {
      throw new DiffTooLargeException(
          "comparing "
              + size(a)
              + (b == null ? "" : " and " + size(b))
              + " pixels needs "
              + mib(bytes)
              + " MiB of memory, more than the limit of "
              + mib(maxBytes)
              + " MiB");
    }
    return bytes;
  }

  /**
   * Refuses an area of more than {@link #maxPixels} pixels, or whose rows do not fit an array.
   *
   * @param image the image it is, or null for both
   */
  private void checkArea(long width, long height, String what, Side image)
      throws DiffTooLargeException {
    if (width * height > maxPixels || height * (width + 1) > MAX_ARRAY) {
      DiffTooLargeException e =
          new DiffTooLargeException(
              what + " " + width + "x" + height + " pixels, more than the limit of " + maxPixels);
      throw image == null ? e : e.of(image);
    }
  }

  private static long decodedBytes(PngHeader h) {
    long width = h.width();
    long rowBytes = 1 + (width * channels(h.colorType()) * h.bitDepth() + 7) / 8;
    long rowBuffers = 2 * rowBytes + 4 * width * 4;
    return h.height() * rowBytes + 4 * width * h.height() + rowBuffers;
  }

  /** The diff picture's rows: a filter byte and a palette index per pixel of the covered area. */
  private static long canvasRowBytes(PngHeader a, PngHeader b) {
    long width = b == null ? a.width() : Math.max(a.width(), b.width());
    long height = b == null ? a.height() : Math.max(a.height(), b.height());
    return height * (width + 1);
  }

  /**
   * Samples a pixel by PNG colour type; 4 for types PNG does not define (decoding refuses them).
   */
  private static int channels(int colorType) {
    return switch (colorType) {
      case 0, 3 -> 1;
      case 2 -> 3;
      case 4 -> 2;
      default -> 4;
    };
  }

  private static String size(PngHeader h) {
    return h.width() + "x" + h.height();
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
