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

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Our picture encoder against the JDK's inflater (zlib): any rows, at any stride, compressed whole
 * or in parts joined as the differ joins them, inflate back to the same bytes. Every test run
 * replays the corpus in {@code PictureDeflaterFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class PictureDeflaterFuzzTest {
  @FuzzTest
  void zlibInflatesWhatItWrites(FuzzedDataProvider in) throws Exception {
    int stride = in.consumeInt(1, 4096);
    int parts = in.consumeInt(1, 5);
    int copies = in.consumeInt(1, 64);
    byte[] data = in.consumeRemainingAsBytes();
    // Copies of the data make the long runs and repeated rows that a diff picture has.
    byte[] repeated = new byte[data.length * copies];
    for (int c = 0; c < copies; c++) {
      System.arraycopy(data, 0, repeated, c * data.length, data.length);
    }
    byte[] rows = Arrays.copyOf(repeated, repeated.length / stride * stride);
    assertThat(PictureDeflaterTest.inflate(PictureDeflaterTest.deflateInParts(rows, stride, parts)))
        .isEqualTo(rows);
  }
}
