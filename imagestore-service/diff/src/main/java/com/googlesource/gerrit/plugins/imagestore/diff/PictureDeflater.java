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

import java.util.Arrays;

/**
 * Compresses the diff picture's rows as raw deflate data (RFC 1951) with the fixed Huffman codes,
 * looking for two kinds of match only: a run of the previous byte (distance 1) and a copy of the
 * row above (distance = the row's length). The picture is one byte a pixel from a few colours, so
 * nearly all of it is such matches, found with {@link Arrays#mismatch} (vectorised) instead of
 * zlib's hash chains.
 *
 * <p>Why not {@link java.util.zip.Deflater}: at its fastest level it took 5.6-7.4 ms of CPU for the
 * 1920x1080 pictures of bench/diff.sh and 3.1 ms for one of zeros only; this takes a fraction of
 * that (bench/README.md, "Image diff"), for files about 1.5 times larger. The output is checked
 * against {@link java.util.zip.Inflater} by {@code PictureDeflaterTest}.
 */
final class PictureDeflater {
  /** Deflate's window: how far back a match may reach. */
  private static final int WINDOW = 32 * 1024;

  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;

  /** Per literal/length symbol (0-287): its fixed code, bit-reversed, and the code's length. */
  private static final int[] SYMBOL_CODE = new int[288];

  private static final int[] SYMBOL_BITS = new int[288];

  /** Per match length (3-258): its symbol's code followed by the extra bits, and their count. */
  private static final int[] LENGTH_CODE = new int[MAX_MATCH + 1];

  private static final int[] LENGTH_BITS = new int[MAX_MATCH + 1];

  private static final int[] LENGTH_BASE = ZlibInflater.LENGTH_BASE;
  private static final int[] LENGTH_EXTRA = ZlibInflater.LENGTH_EXTRA;
  private static final int[] DISTANCE_BASE = ZlibInflater.DISTANCE_BASE;
  private static final int[] DISTANCE_EXTRA = ZlibInflater.DISTANCE_EXTRA;

  static {
    for (int s = 0; s < 288; s++) {
      int code;
      int bits;
      if (s < 144) {
        code = 0x30 + s;
        bits = 8;
      } else if (s < 256) {
        code = 0x190 + s - 144;
        bits = 9;
      } else if (s < 280) {
        code = s - 256;
        bits = 7;
      } else {
        code = 0xc0 + s - 280;
        bits = 8;
      }
      SYMBOL_CODE[s] = reverse(code, bits);
      SYMBOL_BITS[s] = bits;
    }
    for (int l = 0; l < LENGTH_BASE.length; l++) {
      int last = l + 1 < LENGTH_BASE.length ? LENGTH_BASE[l + 1] - 1 : MAX_MATCH;
      if (l == LENGTH_BASE.length - 2) {
        last = 257; // 258 has a symbol of its own
      }
      for (int len = LENGTH_BASE[l]; len <= last; len++) {
        int s = 257 + l;
        LENGTH_CODE[len] = SYMBOL_CODE[s] | (len - LENGTH_BASE[l]) << SYMBOL_BITS[s];
        LENGTH_BITS[len] = SYMBOL_BITS[s] + LENGTH_EXTRA[l];
      }
    }
  }

  private static int reverse(int code, int bits) {
    return Integer.reverse(code) >>> (32 - bits);
  }

  /** A distance's fixed 5-bit code followed by its extra bits, and their count. */
  private static long distance(int distance) {
    int d = 0;
    while (d + 1 < DISTANCE_BASE.length && DISTANCE_BASE[d + 1] <= distance) {
      d++;
    }
    int code = reverse(d, 5) | (distance - DISTANCE_BASE[d]) << 5;
    return (long) code << 32 | (5 + DISTANCE_EXTRA[d]);
  }

  private byte[] out;
  private int size;
  private long bitBuffer;
  private int bitCount;

  private PictureDeflater(int capacity) {
    out = new byte[Math.max(capacity, 64)];
  }

  /**
   * Compresses {@code data[from..to)}, rows of {@code stride} bytes (the first row starting at 0),
   * as one fixed-Huffman block. The parts of one stream are compressed in parallel and joined, as
   * pigz does: matches stay inside the part, whose predecessor may still be being drawn. Unless
   * {@code last}, the block is followed by an empty stored block, so the next part starts on a byte
   * boundary.
   */
  static byte[] deflate(byte[] data, int from, int to, int stride, boolean last) {
    PictureDeflater d = new PictureDeflater((to - from) / 16 + 64);
    d.block(data, from, to, stride, last);
    return Arrays.copyOf(d.out, d.size);
  }

  private void block(byte[] data, int from, int to, int stride, boolean last) {
    put(last ? 1 : 0, 1);
    put(1, 2); // fixed Huffman codes
    boolean rowAbove = stride > 0 && stride <= WINDOW;
    long distanceAbove = rowAbove ? distance(stride) : 0;
    long distanceRun = distance(1);
    int i = from;
    while (i < to) {
      int max = Math.min(MAX_MATCH, to - i);
      // A run's distance code is shorter: it wins ties, and a full-length run saves looking above.
      int run = 0;
      if (i > from && max >= MIN_MATCH && data[i] == data[i - 1]) {
        run = matchLength(data, i, i - 1, max);
      }
      int above = 0;
      if (run < max
          && rowAbove
          && i - stride >= from
          && max >= MIN_MATCH
          && data[i] == data[i - stride]) {
        above = matchLength(data, i, i - stride, max);
      }
      if (above >= MIN_MATCH && above > run) {
        match(above, distanceAbove);
        i += above;
      } else if (run >= MIN_MATCH) {
        match(run, distanceRun);
        i += run;
      } else {
        int s = data[i] & 0xff;
        put(SYMBOL_CODE[s], SYMBOL_BITS[s]);
        i++;
      }
    }
    put(SYMBOL_CODE[256], SYMBOL_BITS[256]);
    if (!last) {
      // An empty stored block: its header, then zeros up to the byte boundary, LEN 0, NLEN ~0.
      put(0, 3);
      if ((bitCount & 7) != 0) {
        put(0, 8 - (bitCount & 7));
      }
      put(0xffff0000L, 32);
    }
    flushBits();
  }

  /** How many bytes from {@code i} on equal those from {@code ref} on, up to {@code max}. */
  private static int matchLength(byte[] data, int i, int ref, int max) {
    if (max < 8) {
      int n = 0;
      while (n < max && data[i + n] == data[ref + n]) {
        n++;
      }
      return n;
    }
    int n = Arrays.mismatch(data, i, i + max, data, ref, ref + max);
    return n < 0 ? max : n;
  }

  private void match(int length, long distance) {
    put(LENGTH_CODE[length], LENGTH_BITS[length]);
    put(distance >>> 32, (int) distance);
  }

  /** Appends the {@code n} (≤ 32) low bits of {@code value}, first bit first. */
  private void put(long value, int n) {
    bitBuffer |= (value & ((1L << n) - 1)) << bitCount;
    bitCount += n;
    if (bitCount >= 32) {
      if (size + 8 > out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[size] = (byte) bitBuffer;
      out[size + 1] = (byte) (bitBuffer >>> 8);
      out[size + 2] = (byte) (bitBuffer >>> 16);
      out[size + 3] = (byte) (bitBuffer >>> 24);
      size += 4;
      bitBuffer >>>= 32;
      bitCount -= 32;
    }
  }

  /** Writes the bits left, the last byte padded with zeros. */
  private void flushBits() {
    while (bitCount > 0) {
      if (size == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[size++] = (byte) bitBuffer;
      bitBuffer >>>= 8;
      bitCount -= 8;
    }
    bitBuffer = 0;
    bitCount = 0;
  }
}
