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
import static com.google.common.truth.Truth.assertWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The PNG decoder on any bytes: it decodes to the size its header gives or refuses with {@link
 * UndecodableImageException}, nothing else; where its fast path decodes, the JDK's ImageIO reads
 * the same pixels. Every test run replays the corpus in {@code PngCodecFuzzTestInputs/}; {@code
 * tools/fuzz/run.sh} fuzzes.
 */
class PngCodecFuzzTest {
  /**
   * The service checks the pixel limit on the header before it decodes (uploads and diffs alike);
   * here a small one keeps the fuzzer's memory bounded.
   */
  private static final long MAX_PIXELS = 1 << 16;

  @FuzzTest
  void decodesToItsHeaderSizeOrRefuses(byte[] png) {
    PngHeader header;
    try {
      header = PngHeader.parse(png);
    } catch (UndecodableImageException e) {
      return;
    }
    if ((long) header.width() * header.height() > MAX_PIXELS) {
      return;
    }
    Pixels pixels;
    try {
      pixels = PngCodec.decode(png);
    } catch (UndecodableImageException e) {
      return;
    }
    assertThat(pixels.width()).isEqualTo(header.width());
    assertThat(pixels.height()).isEqualTo(header.height());
    assertThat(pixels.argb()).hasLength(header.width() * header.height());
    if (PngCodec.hasFastPath(header)) {
      Pixels slow;
      try {
        slow = PngCodec.decodeWithImageIo(png);
      } catch (UndecodableImageException e) {
        // ImageIO ignores chunk checksums, trailing and missing data less than we do; only where
        // it reads the image must it agree.
        return;
      }
      assertWithMessage("the fast path and ImageIO decode different pixels")
          .that(java.util.Arrays.equals(slow.argb(), pixels.argb()))
          .isTrue();
    }
  }
}
