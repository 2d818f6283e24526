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

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * {@link PictureDeflater}'s streams, in parts joined as the differ joins them, inflated by zlib.
 */
class PictureDeflaterTest {
  @Test
  void zlibInflatesWhatItCompressesWholeOrInParts() throws Exception {
    Random random = new Random(7);
    for (int width : new int[] {1, 2, 7, 64, 333, 40_000}) {
      int stride = width + 1;
      int height = Math.max(1, 300_000 / stride);
      for (String kind : List.of("zeros", "runs", "rows repeated", "noise", "few colours")) {
        byte[] rows = rows(kind, stride, height, random);
        for (int parts : new int[] {1, 2, 3, 5}) {
          assertThat(inflate(deflateInParts(rows, stride, parts))).isEqualTo(rows);
        }
      }
    }
  }

  @Test
  void uniformPicturesCompressToAlmostNothing() {
    byte[] rows = new byte[1081 * 1921];
    assertThat(PictureDeflater.deflate(rows, 0, rows.length, 1921, true).length).isLessThan(15_000);
  }

  @Test
  void emptyPartsJoinToo() throws Exception {
    byte[] rows = {0, 5, 5, 5, 5, 1};
    List<byte[]> parts =
        List.of(
            PictureDeflater.deflate(rows, 0, 0, 3, false),
            PictureDeflater.deflate(rows, 0, 6, 3, false),
            PictureDeflater.deflate(rows, 6, 6, 3, true));
    assertThat(inflate(join(parts))).isEqualTo(rows);
  }

  private static byte[] rows(String kind, int stride, int height, Random random) {
    byte[] rows = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      for (int x = 1; x < stride; x++) {
        int i = y * stride + x;
        rows[i] =
            switch (kind) {
              case "zeros" -> 0;
              case "runs" -> (byte) (x / 50 % 7);
              case "rows repeated" -> (byte) (y % 17 == 0 ? random.nextInt(4) : (x * 31) % 29);
              case "noise" -> (byte) random.nextInt(256);
              default ->
                  (byte) (random.nextInt(100) == 0 ? 27 + random.nextInt(2) : (x + y) / 9 % 27);
            };
      }
    }
    return rows;
  }

  static byte[] deflateInParts(byte[] rows, int stride, int parts) {
    int height = rows.length / stride;
    List<byte[]> deflated = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) height * p / parts) * stride;
      int to = (int) ((long) height * (p + 1) / parts) * stride;
      deflated.add(PictureDeflater.deflate(rows, from, to, stride, p == parts - 1));
    }
    return join(deflated);
  }

  private static byte[] join(List<byte[]> parts) {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    parts.forEach(joined::writeBytes);
    return joined.toByteArray();
  }

  static byte[] inflate(byte[] raw) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(raw);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0
            && !inflater.finished()
            && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("the stream ends early");
        }
        out.write(buf, 0, n);
      }
      assertThat(inflater.getRemaining()).isEqualTo(0);
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }
}
