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

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Our inflater against the JDK's deflater: every level and strategy, and damaged streams. */
class ZlibInflaterTest {
  /** Data of the kinds deflate meets: runs, repeats at all distances, text, noise. */
  private static byte[] sample(Random r, int size) {
    byte[] data = new byte[size];
    int i = 0;
    while (i < size) {
      int kind = r.nextInt(5);
      int n = Math.min(size - i, 1 + r.nextInt(kind == 4 ? 40 : 3000));
      switch (kind) {
        case 0 -> Arrays.fill(data, i, i + n, (byte) r.nextInt(4));
        case 1 -> { // a repeat of something earlier, maybe overlapping
          int distance = 1 + r.nextInt(Math.max(1, Math.min(i, 40_000)));
          for (int k = 0; k < n; k++) {
            data[i + k] = i + k - distance >= 0 ? data[i + k - distance] : 7;
          }
        }
        case 2 -> { // a short period, as pixels of one colour
          int period = 1 + r.nextInt(8);
          for (int k = 0; k < n; k++) {
            data[i + k] = (byte) ((k % period) * 31);
          }
        }
        case 3 -> {
          byte[] text = "the quick brown fox jumps over the lazy dog ".getBytes();
          for (int k = 0; k < n; k++) {
            data[i + k] = text[(k + i) % text.length];
          }
        }
        default -> {
          for (int k = 0; k < n; k++) {
            data[i + k] = (byte) r.nextInt();
          }
        }
      }
      i += n;
    }
    return data;
  }

  static byte[] deflate(byte[] data, int level, int strategy) {
    Deflater deflater = new Deflater(level);
    deflater.setStrategy(strategy);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!deflater.finished()) {
      out.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    return out.toByteArray();
  }

  @Test
  void inflatesWhatTheJdkDeflates() throws Exception {
    Random r = new Random(1);
    int[] strategies = {Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY};
    for (int round = 0; round < 12; round++) {
      byte[] data = sample(r, round == 0 ? 1 : r.nextInt(300_000));
      for (int level = 0; level <= 9; level++) {
        for (int strategy : strategies) {
          byte[] z = deflate(data, level, strategy);
          // Placed inside a bigger array, as IDAT data sits inside a PNG.
          byte[] padded = new byte[z.length + 20];
          System.arraycopy(z, 0, padded, 7, z.length);
          byte[] out = new byte[data.length];
          ZlibInflater.inflate(padded, 7, 7 + z.length, out, true);
          assertThat(Arrays.equals(out, data)).isTrue();
        }
      }
    }
  }

  @Test
  void damagedStreamsAreRefusedNeverCrash() {
    Random r = new Random(2);
    byte[] data = sample(r, 50_000);
    byte[] z = deflate(data, 6, Deflater.DEFAULT_STRATEGY);
    // Truncated anywhere, or with a wrong size.
    for (int cut = 0; cut < z.length; cut += 1 + z.length / 200) {
      int at = cut;
      assertThrows(
          UndecodableImageException.class,
          () -> ZlibInflater.inflate(z, 0, at, new byte[data.length], true));
    }
    assertThrows(
        UndecodableImageException.class,
        () -> ZlibInflater.inflate(z, 0, z.length, new byte[data.length - 1], true));
    assertThrows(
        UndecodableImageException.class,
        () -> ZlibInflater.inflate(z, 0, z.length, new byte[data.length + 1], true));
    // Bytes flipped anywhere: refused (the checksum catches what decodes), never another error.
    for (int i = 0; i < 300; i++) {
      byte[] bad = z.clone();
      bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
      byte[] out = new byte[data.length];
      try {
        ZlibInflater.inflate(bad, 0, bad.length, out, true);
        assertThat(Arrays.equals(out, data)).isTrue(); // a flip in an unused bit
      } catch (UndecodableImageException expected) {
        // refused
      }
    }
    // Not zlib at all.
    assertThrows(
        UndecodableImageException.class,
        () -> ZlibInflater.inflate(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6, new byte[10], true));
  }
}
