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

import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decides whether {@link ZlibInflater} pays: inflates the image data of UI-like 1920x1080
 * screenshots ({@link TestPngs#screenshot}) with it and with {@link java.util.zip.Inflater}, paired
 * (each round runs both on the same image, in alternating order), and times the whole {@link
 * PngCodec#decode} beside them. A decode with the JDK's inflater differs from ours only in the
 * inflating, so its time is the decode's minus our inflating plus the JDK's. Prints medians.
 *
 * <p>Run from {@code imagestore-service/diff} once the test classes are built: {@code java -cp
 * target/classes:target/test-classes com.googlesource.gerrit.plugins.imagestore.diff.InflaterBench
 * [rounds]}.
 */
public final class InflaterBench {
  private static final int IMAGES = 4;
  private static final int WARMUP_ROUNDS = 15;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    List<byte[]> pngs = new ArrayList<>();
    List<byte[]> streams = new ArrayList<>();
    List<Integer> rawSizes = new ArrayList<>();
    for (int seed = 1; seed <= IMAGES; seed++) {
      byte[] png = TestPngs.screenshot(1920, 1080, seed);
      PngHeader h = PngHeader.parse(png);
      if (!PngCodec.hasFastPath(h)) {
        throw new IllegalStateException("the screenshot is not 8-bit RGB(A): no fast path");
      }
      pngs.add(png);
      streams.add(imageData(png));
      rawSizes.add(h.height() * (1 + h.width() * (h.colorType() == 6 ? 4 : 3)));
    }
    long[] own = new long[rounds * IMAGES];
    long[] jdk = new long[rounds * IMAGES];
    long[] decode = new long[rounds * IMAGES];
    for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
      for (int i = 0; i < IMAGES; i++) {
        byte[] z = streams.get(i);
        byte[] raw = new byte[rawSizes.get(i)];
        byte[] rawJdk = new byte[raw.length];
        long ownNanos;
        long jdkNanos;
        if ((round + i) % 2 == 0) {
          ownNanos = timeOwn(z, raw);
          jdkNanos = timeJdk(z, rawJdk);
        } else {
          jdkNanos = timeJdk(z, rawJdk);
          ownNanos = timeOwn(z, raw);
        }
        if (!Arrays.equals(raw, rawJdk)) {
          throw new IllegalStateException("the inflaters disagree on image " + i);
        }
        long start = System.nanoTime();
        PngCodec.decode(pngs.get(i));
        long decodeNanos = System.nanoTime() - start;
        if (round >= 0) {
          int at = round * IMAGES + i;
          own[at] = ownNanos;
          jdk[at] = jdkNanos;
          decode[at] = decodeNanos;
        }
      }
    }
    double ownMs = median(own);
    double jdkMs = median(jdk);
    double decodeMs = median(decode);
    double decodeJdkMs = decodeMs - ownMs + jdkMs;
    System.out.printf(
        Locale.ROOT,
        "%d screenshots 1920x1080 (%d KiB of image data each, on average), %d paired rounds%n"
            + "inflate: ZlibInflater %.2f ms, java.util.zip.Inflater %.2f ms: JDK / own %.2f%n"
            + "decode:  with ZlibInflater %.2f ms, with the JDK's %.2f ms: JDK / own %.2f%n",
        IMAGES,
        streams.stream().mapToInt(s -> s.length).sum() / IMAGES / 1024,
        rounds,
        ownMs,
        jdkMs,
        jdkMs / ownMs,
        decodeMs,
        decodeJdkMs,
        decodeJdkMs / decodeMs);
  }

  private static long timeOwn(byte[] z, byte[] raw) throws UndecodableImageException {
    long start = System.nanoTime();
    ZlibInflater.inflate(z, 0, z.length, raw, false); // as PngCodec.decode: chunk CRCs instead
    return System.nanoTime() - start;
  }

  private static long timeJdk(byte[] z, byte[] raw) throws DataFormatException {
    long start = System.nanoTime();
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(z);
      int n = inflater.inflate(raw);
      if (n != raw.length || !inflater.finished()) {
        throw new IllegalStateException("the JDK inflated " + n + " of " + raw.length + " bytes");
      }
    } finally {
      inflater.end();
    }
    return System.nanoTime() - start;
  }

  /** The zlib stream of a PNG: its IDAT chunks' data, joined. */
  private static byte[] imageData(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int pos = 8; pos < png.length; ) {
      int length = b.getInt(pos);
      if (b.getInt(pos + 4) == 0x49444154) { // "IDAT"
        out.write(png, pos + 8, length);
      }
      pos += 12 + length;
    }
    return out.toByteArray();
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }
}
