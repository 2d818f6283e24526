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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Compares two PNG images pixel by pixel, the way pixelmatch made common: the distance of two
 * colours is measured in the YIQ colour space (how different they look, not how different their
 * numbers are), and a pixel that differs only because an edge is anti-aliased a little differently
 * is not counted (Vysniauskas' anti-aliased pixel detector, as pixelmatch has it). The figures
 * equal pixelmatch 7's with its defaults ({@code checkerboard} blending of transparent pixels).
 *
 * <p>Blocks whose content moved are reported as {@link Shift}s ({@link ShiftDetector}).
 *
 * <p>The diff picture is the first image, faded to a light grey, with mismatched pixels in red and
 * anti-aliased ones in yellow. Identical bytes are equal without being decoded, so their picture is
 * blank (white), not the faded image.
 *
 * <p>Pixels inside the options' ignore regions are not compared: they count as neither mismatched
 * nor anti-aliased, and the picture hatches them in two blues, which neither the greys nor the
 * marks use.
 *
 * <p>Before anything is decoded, the PNG headers are checked against the {@link DiffLimits}: how
 * many pixels each image and the picture may have, and how much memory the comparison may hold.
 */
public final class ImageDiffer {
  /**
   * The picture's palette: 27 greys (index = how far below white), then the two marks, then (only
   * in pictures with ignore regions) the hatch's two blues.
   */
  private static final int GREYS = 27;

  private static final byte MISMATCH = (byte) GREYS;
  private static final byte ANTIALIASED = (byte) (GREYS + 1);
  private static final byte IGNORED = (byte) (GREYS + 2);
  private static final byte IGNORED_STRIPE = (byte) (GREYS + 3);
  private static final int[] PALETTE = palette();
  private static final int[] PALETTE_WITH_IGNORED = paletteWithIgnored();
  private static final int[] NO_SPANS = new int[0];

  /** How strongly the first image shows through in the picture, as in pixelmatch. */
  private static final double FADE_ALPHA = 0.1;

  /** The largest value of the YIQ distance below (for two pixels black and white). */
  private static final double MAX_YIQ_DELTA = 35215;

  private final DiffOptions options;
  private final DiffLimits limits;
  private final double maxDelta;

  /** A differ for one comparison at a time: with {@link DiffLimits#standalone()}. */
  public ImageDiffer(DiffOptions options) {
    this(options, DiffLimits.standalone());
  }

  public ImageDiffer(DiffOptions options, DiffLimits limits) {
    this.options = options;
    this.limits = limits;
    this.maxDelta = MAX_YIQ_DELTA * options.threshold() * options.threshold();
  }

  public DiffOptions options() {
    return options;
  }

  /**
   * Compares two PNGs and draws the diff picture (for identical bytes a blank one, without
   * decoding).
   *
   * @throws DiffTooLargeException when the comparison is beyond the limits (nothing was decoded)
   */
  public DiffResult diff(byte[] pngA, byte[] pngB) throws UndecodableImageException {
    return run(pngA, pngB, true);
  }

  /** Compares two PNGs for the figures only, without a picture; limits as {@link #diff}. */
  public DiffResult compare(byte[] pngA, byte[] pngB) throws UndecodableImageException {
    return run(pngA, pngB, false);
  }

  private DiffResult run(byte[] pngA, byte[] pngB, boolean picture)
      throws UndecodableImageException {
    boolean same = Arrays.equals(pngA, pngB);
    PngHeader a = header(pngA, Side.A);
    if (same && !picture) {
      return identical(a.width(), a.height(), options);
    }
    limits.check(a, same ? null : header(pngB, Side.B), picture, (long) pngA.length + pngB.length);
    if (same) {
      return identicalWithPicture(a.width(), a.height());
    }
    Pixels[] decoded = decodeBoth(pngA, pngB);
    try {
      return compare(decoded[0], decoded[1], picture);
    } finally {
      // The result holds none of them.
      ScratchArrays.give(decoded[0].argb());
      ScratchArrays.give(decoded[1].argb());
    }
  }

  private static PngHeader header(byte[] png, Side image) throws UndecodableImageException {
    try {
      return PngHeader.parse(png);
    } catch (UndecodableImageException e) {
      throw e.of(image);
    }
  }

  private static Pixels decode(byte[] png, Side image) throws UndecodableImageException {
    try {
      return PngCodec.decode(png, true);
    } catch (UndecodableImageException e) {
      throw e.of(image);
    }
  }

  /** The figures of two images with identical bytes, of the given size. */
  public static DiffResult identical(int width, int height) {
    return new DiffResult(width, height, 0, 0, false, true, null);
  }

  /** The figures of two images with identical bytes, of the given size, compared with options. */
  public static DiffResult identical(int width, int height, DiffOptions options) {
    IgnoreMask mask = IgnoreMask.of(options.ignore(), width, height);
    return new DiffResult(
        width, height, 0, 0, false, true, null, mask == null ? 0 : mask.count(), List.of());
  }

  /**
   * Identical bytes with the picture: nothing is decoded, so the picture is blank (white: no pixel
   * differs), the ignore regions hatched as always.
   */
  private DiffResult identicalWithPicture(int width, int height) {
    IgnoreMask mask =
        options.ignore().isEmpty() ? null : IgnoreMask.of(options.ignore(), width, height);
    // Blank: white (palette index 0) everywhere, filter bytes 0.
    byte[] rows = ScratchArrays.bytes(Math.toIntExact(height * (width + 1L)));
    Arrays.fill(rows, (byte) 0);
    for (int y = 0; mask != null && y < height; y++) {
      int[] spans = mask.row(y);
      for (int s = 0; s < spans.length; s += 2) {
        hatch(rows, y * (width + 1) + 1 + spans[s], spans[s], spans[s + 1], y);
      }
    }
    byte[] png =
        PngCodec.encodePalette(
            width,
            height,
            rows,
            List.of(PngCodec.deflatePart(rows, 0, rows.length, width + 1, true)),
            mask == null ? PALETTE : PALETTE_WITH_IGNORED);
    ScratchArrays.give(rows);
    long ignored = mask == null ? 0 : mask.count();
    return new DiffResult(width, height, 0, 0, false, true, png, ignored, List.of());
  }

  /** Inflating is most of a decode and cannot be split: decode the two images side by side. */
  private static Pixels[] decodeBoth(byte[] pngA, byte[] pngB) throws UndecodableImageException {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      return new Pixels[] {decode(pngA, Side.A), decode(pngB, Side.B)};
    }
    List<Callable<Pixels>> decodes =
        List.of(() -> decode(pngA, Side.A), () -> decode(pngB, Side.B));
    return Parallel.run(decodes, UndecodableImageException.class).toArray(new Pixels[0]);
  }

  /** What one band of rows holds. */
  private record Band(
      long mismatched, long antialiased, long ignored, boolean identical, byte[] deflated) {}

  /**
   * Compares decoded images. Bands of rows are compared, drawn and compressed in parallel. The
   * limits were checked: the picture's rows fit an array.
   */
  private DiffResult compare(Pixels a, Pixels b, boolean picture) {
    if (a.width() != b.width() || a.height() != b.height()) {
      return sizeMismatch(a, b, picture);
    }
    int width = a.width();
    int height = a.height();
    int[] pa = a.argb();
    int[] pb = b.argb();
    IgnoreMask mask =
        options.ignore().isEmpty() ? null : IgnoreMask.of(options.ignore(), width, height);
    byte[] rows = picture ? pictureRows(width, height) : null;
    MismatchMask mismatches = new MismatchMask(width, height);
    int parts = Math.min(height, Parallel.parts(a.count()));
    List<Callable<Band>> tasks = new ArrayList<>(parts);
    for (int part = 0; part < parts; part++) {
      int from = (int) ((long) height * part / parts);
      int to = (int) ((long) height * (part + 1) / parts);
      boolean last = part == parts - 1;
      tasks.add(() -> compareRows(pa, pb, width, height, from, to, rows, last, mask, mismatches));
    }
    long mismatched = 0;
    long antialiased = 0;
    long ignored = 0;
    boolean identical = true;
    List<byte[]> deflated = new ArrayList<>(parts);
    for (Band band : Parallel.run(tasks, RuntimeException.class)) {
      mismatched += band.mismatched();
      antialiased += band.antialiased();
      ignored += band.ignored();
      identical &= band.identical();
      deflated.add(band.deflated());
    }
    int[] palette = mask == null ? PALETTE : PALETTE_WITH_IGNORED;
    byte[] png = null;
    if (picture) {
      png = PngCodec.encodePalette(width, height, rows, deflated, palette);
      ScratchArrays.give(rows);
    }
    List<Shift> shifts =
        mismatched == 0
            ? List.of()
            : ShiftDetector.detect(pa, pb, mismatches, mismatched, maxDelta);
    return new DiffResult(
        width, height, mismatched, antialiased, false, identical, png, ignored, shifts);
  }

  /**
   * The picture's rows, their filter bytes 0 (none); {@link #compareRows} writes every pixel's
   * byte.
   */
  private static byte[] pictureRows(int width, int height) {
    byte[] rows = ScratchArrays.bytes(Math.toIntExact(height * (width + 1L)));
    for (int y = 0; y < height; y++) {
      rows[y * (width + 1)] = 0;
    }
    return rows;
  }

  /**
   * Compares rows {@code [from, to)}, draws them into {@code rows} and compresses them; the spans
   * of {@code mask} (null: none) are skipped and hatched; mismatched pixels are marked in {@code
   * mismatches}.
   */
  private Band compareRows(
      int[] pa,
      int[] pb,
      int width,
      int height,
      int from,
      int to,
      byte[] rows,
      boolean last,
      IgnoreMask mask,
      MismatchMask mismatches) {
    long mismatched = 0;
    long antialiased = 0;
    long ignored = 0;
    boolean identical = true;
    // Screens have long runs of one colour: remember the last faded one.
    int lastColour = 0;
    byte lastFaded = fade(0);
    for (int y = from, i = from * width, out = from * (width + 1) + 1; y < to; y++, out++) {
      // Columns [skip[s], skip[s + 1]) are ignored: one comparison per pixel finds them.
      int[] skip = mask == null ? NO_SPANS : mask.row(y);
      int s = 0;
      int skipFrom = skip.length > 0 ? skip[0] : -1;
      for (int x = 0; x < width; x++, i++, out++) {
        if (x == skipFrom) {
          int skipTo = skip[s + 1];
          ignored += skipTo - x;
          if (rows != null) {
            hatch(rows, out, x, skipTo, y);
          }
          // Spans are disjoint and apart: the loop goes on at skipTo.
          i += skipTo - x - 1;
          out += skipTo - x - 1;
          x = skipTo - 1;
          s += 2;
          skipFrom = s < skip.length ? skip[s] : -1;
          continue;
        }
        int ca = pa[i];
        int cb = pb[i];
        if (ca == cb) {
          // Most pixels are equal: find the end of their run at once (vectorised), up to the next
          // ignored span, and only fade it for the picture.
          int n = (skipFrom >= 0 ? skipFrom : width) - x;
          int run = Arrays.mismatch(pa, i, i + n, pb, i, i + n);
          run = run < 0 ? n : run;
          if (rows != null) {
            for (int k = 0; k < run; k++) {
              int c = pa[i + k];
              if (c != lastColour) {
                lastColour = c;
                lastFaded = fade(c);
              }
              rows[out + k] = lastFaded;
            }
          }
          x += run - 1;
          i += run - 1;
          out += run - 1;
          continue;
        }
        identical = false;
        double delta = colorDelta(ca, cb, 4L * i);
        byte mark;
        if (Math.abs(delta) <= maxDelta) {
          mark = fade(ca);
        } else if (options.detectAntialiasing()
            && (antialiased(pa, x, y, width, height, pa, pb)
                || antialiased(pb, x, y, width, height, pb, pa))) {
          antialiased++;
          mark = ANTIALIASED;
        } else {
          mismatched++;
          mismatches.set(x, y);
          mark = MISMATCH;
        }
        if (rows != null) {
          rows[out] = mark;
        }
      }
    }
    byte[] deflated =
        rows == null
            ? null
            : PngCodec.deflatePart(rows, from * (width + 1), to * (width + 1), width + 1, last);
    return new Band(mismatched, antialiased, ignored, identical, deflated);
  }

  /** Paints columns {@code [from, to)} of row {@code y}, starting at {@code out}, as ignored. */
  private static void hatch(byte[] rows, int out, int from, int to, int y) {
    for (int x = from; x < to; x++, out++) {
      // Diagonal stripes, 2 of every 8 pixels, continuous across regions.
      rows[out] = ((x + y) & 7) < 2 ? IGNORED_STRIPE : IGNORED;
    }
  }

  /**
   * Images of different sizes are a full mismatch. The picture covers both: where they overlap it
   * marks the pixels that differ beyond the threshold (without the anti-aliasing detector), the
   * rest is marked as mismatched.
   */
  private DiffResult sizeMismatch(Pixels a, Pixels b, boolean picture) {
    int width = Math.max(a.width(), b.width());
    int height = Math.max(a.height(), b.height());
    byte[] png = null;
    if (picture) {
      byte[] rows = new byte[Math.toIntExact(height * (width + 1L))];
      for (int y = 0, out = 1; y < height; y++, out++) {
        for (int x = 0; x < width; x++, out++) {
          byte mark = MISMATCH;
          if (x < a.width() && y < a.height() && x < b.width() && y < b.height()) {
            int i = y * a.width() + x;
            int ca = a.argb()[i];
            int cb = b.argb()[y * b.width() + x];
            if (ca == cb || Math.abs(colorDelta(ca, cb, 4L * i)) <= maxDelta) {
              mark = fade(ca);
            }
          }
          rows[out] = mark;
        }
      }
      byte[] deflated = PngCodec.deflatePart(rows, 0, rows.length, width + 1, true);
      png = PngCodec.encodePalette(width, height, rows, List.of(deflated), PALETTE);
    }
    return new DiffResult(width, height, (long) width * height, 0, true, false, png);
  }

  /**
   * The squared YIQ distance of two colours (Kotsarenko and Ramos, "Measuring perceived color
   * difference using YIQ NTSC transmission color space in mobile applications"), negative when the
   * second is darker. Transparent pixels are blended over pixelmatch's checkerboard, which depends
   * on the byte offset {@code k} of the pixel in RGBA data.
   */
  static double colorDelta(int c1, int c2, long k) {
    return delta(c1, c2, k, false);
  }

  /** The difference in brightness (the Y of YIQ) of two colours; 0 when they are equal. */
  private static double brightnessDelta(int c1, int c2, long k) {
    return c1 == c2 ? 0 : delta(c1, c2, k, true);
  }

  private static double delta(int c1, int c2, long k, boolean brightnessOnly) {
    int a1 = c1 >>> 24;
    int a2 = c2 >>> 24;
    int r1 = c1 >> 16 & 0xff;
    int g1 = c1 >> 8 & 0xff;
    int b1 = c1 & 0xff;
    int r2 = c2 >> 16 & 0xff;
    int g2 = c2 >> 8 & 0xff;
    int b2 = c2 & 0xff;
    double dr = r1 - r2;
    double dg = g1 - g2;
    double db = b1 - b2;
    if (a1 < 255 || a2 < 255) {
      int da = a1 - a2;
      dr = (r1 * a1 - r2 * a2 - checkerRed(k) * da) / 255.0;
      dg = (g1 * a1 - g2 * a2 - checkerGreen(k) * da) / 255.0;
      db = (b1 * a1 - b2 * a2 - checkerBlue(k) * da) / 255.0;
    }
    double y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
    if (brightnessOnly) {
      return y;
    }
    double i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189;
    double q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
    double delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
    return y > 0 ? -delta : delta;
  }

  private static int checkerRed(long k) {
    return (int) (48 + 159 * (k % 2));
  }

  private static int checkerGreen(long k) {
    return (int) (48 + 159 * ((long) (k / 1.618033988749895) % 2));
  }

  private static int checkerBlue(long k) {
    return (int) (48 + 159 * ((long) (k / 2.618033988749895) % 2));
  }

  /**
   * Whether the pixel at (x1, y1) of {@code img} looks like anti-aliasing: among its 8 neighbours
   * are both darker and brighter ones, at most 2 equal ones, and the darkest or the brightest
   * neighbour sits in a flat area in both images (V. Vysniauskas, "Anti-aliased Pixel and Intensity
   * Slope Detector", 2009).
   */
  private static boolean antialiased(
      int[] img, int x1, int y1, int width, int height, int[] a, int[] b) {
    // Small enough to be inlined: most pixels sit in flat areas and end here.
    return !inFlatArea(img, x1, y1, width, height)
        && antialiasedAroundEdge(img, x1, y1, width, height, a, b);
  }

  /**
   * Whether 3 of the 8 neighbours of an inner pixel have exactly its colour, which rules out
   * anti-aliasing. Looks at the row's own neighbours first: they are at hand.
   */
  private static boolean inFlatArea(int[] img, int x1, int y1, int width, int height) {
    if (x1 == 0 || y1 == 0 || x1 == width - 1 || y1 == height - 1) {
      return false;
    }
    int i = y1 * width + x1;
    int c = img[i];
    if (img[i - 1] == c && img[i + 1] == c && (img[i - width] == c || img[i + width] == c)) {
      return true;
    }
    int equal =
        (img[i - width - 1] == c ? 1 : 0)
            + (img[i - width] == c ? 1 : 0)
            + (img[i - width + 1] == c ? 1 : 0)
            + (img[i - 1] == c ? 1 : 0)
            + (img[i + 1] == c ? 1 : 0)
            + (img[i + width - 1] == c ? 1 : 0)
            + (img[i + width] == c ? 1 : 0)
            + (img[i + width + 1] == c ? 1 : 0);
    return equal > 2;
  }

  private static boolean antialiasedAroundEdge(
      int[] img, int x1, int y1, int width, int height, int[] a, int[] b) {
    int x0 = Math.max(x1 - 1, 0);
    int y0 = Math.max(y1 - 1, 0);
    int x2 = Math.min(x1 + 1, width - 1);
    int y2 = Math.min(y1 + 1, height - 1);
    int center = y1 * width + x1;
    int c = img[center];
    long k = 4L * center;
    int zeroes = x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2 ? 1 : 0;
    double min = 0;
    double max = 0;
    int minX = 0;
    int minY = 0;
    int maxX = 0;
    int maxY = 0;
    // Columns outside, rows inside: ties pick the same neighbour as pixelmatch.
    for (int x = x0; x <= x2; x++) {
      for (int y = y0; y <= y2; y++) {
        if (x == x1 && y == y1) {
          continue;
        }
        double delta = brightnessDelta(c, img[y * width + x], k);
        if (delta == 0) {
          zeroes++;
          if (zeroes > 2) {
            return false;
          }
        } else if (delta < min) {
          min = delta;
          minX = x;
          minY = y;
        } else if (delta > max) {
          max = delta;
          maxX = x;
          maxY = y;
        }
      }
    }
    if (min == 0 || max == 0) {
      return false;
    }
    return (hasManySiblings(a, minX, minY, width, height)
            && hasManySiblings(b, minX, minY, width, height))
        || (hasManySiblings(a, maxX, maxY, width, height)
            && hasManySiblings(b, maxX, maxY, width, height));
  }

  /** Whether the pixel at (x1, y1) has 3 or more neighbours of exactly its colour. */
  private static boolean hasManySiblings(int[] img, int x1, int y1, int width, int height) {
    int x0 = Math.max(x1 - 1, 0);
    int y0 = Math.max(y1 - 1, 0);
    int x2 = Math.min(x1 + 1, width - 1);
    int y2 = Math.min(y1 + 1, height - 1);
    int value = img[y1 * width + x1];
    int zeroes = x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2 ? 1 : 0;
    for (int x = x0; x <= x2; x++) {
      for (int y = y0; y <= y2; y++) {
        if (x == x1 && y == y1) {
          continue;
        }
        if (img[y * width + x] == value) {
          zeroes++;
          if (zeroes > 2) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The palette index of a colour faded exactly as pixelmatch fades it: its brightness blended with
   * white at {@link #FADE_ALPHA} and truncated, which leaves 27 greys from 255 down to 229.
   */
  private static byte fade(int argb) {
    int alpha = argb >>> 24;
    double luma =
        (argb >> 16 & 0xff) * 0.29889531
            + (argb >> 8 & 0xff) * 0.58662247
            + (argb & 0xff) * 0.11448223;
    int grey = (int) (255 + (luma - 255) * FADE_ALPHA * alpha / 255);
    return (byte) (255 - grey);
  }

  private static int[] paletteWithIgnored() {
    int[] palette = Arrays.copyOf(palette(), GREYS + 4);
    palette[IGNORED] = 0xcfdcf0;
    palette[IGNORED_STRIPE] = 0x6f8fc8;
    return palette;
  }

  private static int[] palette() {
    int[] palette = new int[GREYS + 2];
    for (int i = 0; i < GREYS; i++) {
      int grey = 255 - i;
      palette[i] = grey << 16 | grey << 8 | grey;
    }
    palette[MISMATCH] = 0xff0000;
    palette[ANTIALIASED] = 0xffff00;
    return palette;
  }
}
