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

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.awt.image.BufferedImage;

/**
 * The moved-content detection on any pair of small images: tiles of a few colours (edges to match),
 * a block of it moved by the input's displacement, pixels changed where the input says. Whatever it
 * reports stays within its bounds and explains no more than was mismatched, and the same pair gives
 * the same answer. Every test run replays {@code ShiftDetectorFuzzTestInputs/}; {@code
 * tools/fuzz/run.sh} fuzzes.
 */
class ShiftDetectorFuzzTest {
  private static final int WIDTH = 96;
  private static final int HEIGHT = 64;

  @FuzzTest
  void reportsBoundedMovesThatExplainOnlyMismatches(byte[] data) throws Exception {
    if (data.length <= 8) { // 8 bytes of parameters, then at least one of tiles
      return;
    }
    int[] palette = new int[4];
    for (int i = 0; i < 4; i++) {
      palette[i] = 0xff000000 | (data[i] & 0xff) * 0x010203;
    }
    BufferedImage a = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int tile = (y / 3) * (WIDTH / 3) + x / 3;
        int b = data[8 + tile % (data.length - 8)] & 0xff;
        a.setRGB(x, y, palette[(b >> ((tile & 3) * 2)) & 3]);
      }
    }
    BufferedImage b = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
    b.setData(a.getData());
    int dx = data[4] % (ShiftDetector.MAX_SHIFT + 8);
    int dy = data[5] % (ShiftDetector.MAX_SHIFT + 8);
    int bw = 8 + (data[6] & 0x3f);
    int bh = 8 + (data[7] & 0x1f);
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        int sx = 10 + x;
        int sy = 10 + y;
        int tx = sx + dx;
        int ty = sy + dy;
        if (sx < WIDTH && sy < HEIGHT && tx >= 0 && ty >= 0 && tx < WIDTH && ty < HEIGHT) {
          b.setRGB(tx, ty, a.getRGB(sx, sy));
        }
      }
    }
    for (int i = 8; i + 1 < data.length && i < 40; i += 2) {
      b.setRGB((data[i] & 0xff) % WIDTH, (data[i + 1] & 0xff) % HEIGHT, palette[i & 3]);
    }
    byte[] pngA = TestPngs.encode(a);
    byte[] pngB = TestPngs.encode(b);
    ImageDiffer differ = new ImageDiffer(DiffOptions.DEFAULT);
    DiffResult result = differ.compare(pngA, pngB);
    long sum = 0;
    for (Shift shift : result.shifts()) {
      assertThat(Math.abs(shift.dx())).isAtMost(ShiftDetector.MAX_SHIFT);
      assertThat(Math.abs(shift.dy())).isAtMost(ShiftDetector.MAX_SHIFT);
      assertThat(shift.dx() != 0 || shift.dy() != 0).isTrue();
      assertThat(shift.x()).isAtLeast(0);
      assertThat(shift.y()).isAtLeast(0);
      assertThat(shift.width()).isAtLeast(1);
      assertThat(shift.height()).isAtLeast(1);
      assertThat(shift.x() + shift.width()).isAtMost(WIDTH);
      assertThat(shift.y() + shift.height()).isAtMost(HEIGHT);
      assertThat(shift.mismatchedPixels()).isAtLeast(1);
      sum += shift.mismatchedPixels();
    }
    assertThat(result.shiftedPixels()).isEqualTo(sum);
    assertThat(result.shiftedPixels()).isAtMost(result.mismatchedPixels());
    assertThat(differ.compare(pngA, pngB).shifts()).isEqualTo(result.shifts());
    assertThat(result.shifts().size()).isAtMost(ShiftDetector.MAX_CLUSTERS);
  }
}
