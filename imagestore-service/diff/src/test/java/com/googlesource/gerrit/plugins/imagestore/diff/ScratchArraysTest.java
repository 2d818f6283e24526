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

import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import org.junit.jupiter.api.Test;

/** The arrays comparisons give back and take again. */
class ScratchArraysTest {
  private static final ImageDiffer DIFFER = new ImageDiffer(DiffOptions.DEFAULT);

  @Test
  void anArrayGivenBackIsTakenAgainForTheSameLength() {
    int[] pixels = new int[123_457];
    ScratchArrays.give(pixels);
    assertThat(ScratchArrays.ints(123_457)).isSameInstanceAs(pixels);
    // Taken: not handed out twice.
    assertThat(ScratchArrays.ints(123_457)).isNotSameInstanceAs(pixels);
  }

  @Test
  void otherLengthsAndTypesGetNewArrays() {
    byte[] bytes = new byte[4 * 54_321];
    ScratchArrays.give(bytes);
    assertThat(ScratchArrays.bytes(4 * 54_321 + 1)).isNotSameInstanceAs(bytes);
    assertThat(ScratchArrays.ints(54_321)).hasLength(54_321);
    assertThat(ScratchArrays.bytes(4 * 54_321)).isSameInstanceAs(bytes);
  }

  @Test
  void idleArraysStayWithinTheBound() {
    byte[] huge = new byte[Math.toIntExact(ScratchArrays.MAX_KEPT_BYTES + 1)];
    ScratchArrays.give(huge);
    assertThat(ScratchArrays.bytes(huge.length)).isNotSameInstanceAs(huge);
    int length = Math.toIntExact(ScratchArrays.MAX_KEPT_BYTES / 4 / 2);
    for (int i = 0; i < 2 * ScratchArrays.MAX_IDLE_BYTES / length / 4; i++) {
      ScratchArrays.give(new int[length]);
      assertThat(ScratchArrays.idleBytes()).isAtMost(ScratchArrays.MAX_IDLE_BYTES);
    }
  }

  @Test
  void arraysLeftByAnotherComparisonDoNotChangeTheResult() throws Exception {
    byte[] a = TestPngs.screenshot(320, 200, 1);
    byte[] b = TestPngs.screenshot(320, 200, 2);
    DiffResult first = DIFFER.diff(a, b);
    // Same size, other content: the arrays it gives back hold other pixels and marks.
    DiffResult other = DIFFER.diff(TestPngs.png(320, 200, 7), TestPngs.screenshot(320, 200, 3));
    assertThat(ScratchArrays.idleBytes()).isAtLeast(2 * 4L * 320 * 200);
    assertThat(other.diffPng()).isNotEqualTo(first.diffPng());

    DiffResult again = DIFFER.diff(a, b);

    assertThat(again.mismatchedPixels()).isEqualTo(first.mismatchedPixels());
    assertThat(again.antialiasedPixels()).isEqualTo(first.antialiasedPixels());
    assertThat(again.shifts()).isEqualTo(first.shifts());
    assertThat(again.diffPng()).isEqualTo(first.diffPng());
  }
}
