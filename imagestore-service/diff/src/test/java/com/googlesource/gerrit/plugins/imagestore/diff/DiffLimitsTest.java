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

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.diff.testing.HandMadePng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine refuses comparisons beyond its limits from the headers, before decoding. */
class DiffLimitsTest {
  private static final long MIB = 1024 * 1024;
  private static final DiffLimits LIMITS = new DiffLimits(64 * MIB, 512 * MIB);

  private static PngHeader header(int width, int height, int bitDepth, int colorType) {
    return new PngHeader(width, height, bitDepth, colorType, 0);
  }

  @Test
  void bytesNeededCountsSamplesPixelsAndThePicture() {
    // 100x10 RGBA: rows of 1 + 400 bytes, 4,000 bytes of ARGB, two rows and a row of 4 ints of
    // buffers.
    long image = 10 * 401 + 4 * 1000 + 2 * 401 + 16 * 100;
    assertThat(DiffLimits.bytesNeeded(header(100, 10, 8, 6), null, false, 0)).isEqualTo(image);
    // The same with a picture of 10 rows of 101 bytes, and the encoded bytes.
    assertThat(DiffLimits.bytesNeeded(header(100, 10, 8, 6), null, true, 7))
        .isEqualTo(7 + image + 3 * 10 * 101);
    // 16 bits: twice the samples. 1-bit grey: a byte holds 8 pixels.
    assertThat(DiffLimits.bytesNeeded(header(100, 10, 16, 6), null, false, 0))
        .isEqualTo(10 * 801 + 4 * 1000 + 2 * 801 + 16 * 100);
    assertThat(DiffLimits.bytesNeeded(header(100, 10, 1, 0), null, false, 0))
        .isEqualTo(10 * 14 + 4 * 1000 + 2 * 14 + 16 * 100);
    // Two sizes: the picture covers both.
    assertThat(
            DiffLimits.bytesNeeded(header(100, 10, 8, 2), header(10, 100, 8, 2), true, 0)
                - DiffLimits.bytesNeeded(header(100, 10, 8, 2), header(10, 100, 8, 2), false, 0))
        .isEqualTo(3L * 100 * 101);
  }

  @Test
  void anEightKilopixelSquareOfSixteenBitsIsOverAGibibyte() {
    PngHeader big = header(8192, 8192, 16, 6);
    long bytes = DiffLimits.bytesNeeded(big, header(8192, 8192, 16, 6), true, 0);
    assertThat(bytes).isGreaterThan(1536 * MIB);
    DiffTooLargeException e =
        assertThrows(DiffTooLargeException.class, () -> LIMITS.check(big, big, true, 0));
    assertThat(e.image()).isNull();
    assertThat(e).hasMessageThat().contains("8192x8192 and 8192x8192 pixels needs");
    assertThat(e).hasMessageThat().contains("more than the limit of 512 MiB");
  }

  // Each n x 1 and 1 x n image is within the pixel limit; the area both cover is not, and its
  // size overflows an int from 46341 on.
  @ParameterizedTest
  @ValueSource(ints = {46340, 50000, 65536, Integer.MAX_VALUE / 64})
  void crossedSizesAreRefusedByTheAreaTheyCover(int n) throws Exception {
    PngHeader wide = header(n, 1, 8, 2);
    PngHeader tall = header(1, n, 8, 2);
    DiffTooLargeException e =
        assertThrows(DiffTooLargeException.class, () -> LIMITS.check(wide, tall, false, 0));
    assertThat(e).hasMessageThat().contains("together cover " + n + "x" + n + " pixels");
    assertThat(e.image()).isNull();

    // Through the engine: refused before decoding (these PNGs would decode fine).
    byte[] a = HandMadePng.blank(Math.min(n, 65536), 1, 2, 8, 1);
    byte[] b = HandMadePng.blank(1, Math.min(n, 65536), 2, 8, 1);
    ImageDiffer differ = new ImageDiffer(DiffOptions.DEFAULT, LIMITS);
    assertThrows(DiffTooLargeException.class, () -> differ.diff(a, b));
    assertThrows(DiffTooLargeException.class, () -> differ.compare(b, a));
  }

  @Test
  void anImageBeyondThePixelLimitIsNamed() {
    DiffLimits limits = new DiffLimits(1000, 512 * MIB);
    DiffTooLargeException e =
        assertThrows(
            DiffTooLargeException.class,
            () -> limits.check(header(10, 10, 8, 2), header(100, 11, 8, 2), false, 0));
    assertThat(e.image()).isEqualTo(Side.B);
    assertThat(e)
        .hasMessageThat()
        .isEqualTo("the image has 100x11 pixels, more than the limit of 1000");
  }

  @Test
  void withinTheLimitsTheFiguresAreThoseWithoutLimits() throws Exception {
    byte[] a = HandMadePng.blank(300, 200, 6, 16, 0);
    byte[] b = HandMadePng.blank(200, 300, 6, 8, 255);
    PngHeader ha = PngHeader.parse(a);
    PngHeader hb = PngHeader.parse(b);
    long needed = DiffLimits.bytesNeeded(ha, hb, true, (long) a.length + b.length);
    DiffLimits exact = new DiffLimits(300 * 300, needed);
    DiffResult r = new ImageDiffer(DiffOptions.DEFAULT, exact).diff(a, b);
    assertThat(r.sizeMismatch()).isTrue();
    assertThat(r.mismatchedPixels()).isEqualTo(300 * 300);
    assertThat(r.diffPng()).isNotNull();
    // A byte less, or a pixel less, is refused.
    assertThrows(
        DiffTooLargeException.class,
        () ->
            new ImageDiffer(DiffOptions.DEFAULT, new DiffLimits(300 * 300, needed - 1)).diff(a, b));
    assertThrows(
        DiffTooLargeException.class,
        () ->
            new ImageDiffer(DiffOptions.DEFAULT, new DiffLimits(300 * 300 - 1, needed)).diff(a, b));
    // The figures alone need no picture.
    assertThat(
            new ImageDiffer(DiffOptions.DEFAULT, new DiffLimits(300 * 300, needed - 3 * 300 * 301))
                .compare(a, b)
                .mismatchedPixels())
        .isEqualTo(300 * 300);
  }
}
