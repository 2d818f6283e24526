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

/**
 * Which pixels a comparison counted as mismatched, one bit each. Every row starts a new word, so
 * bands of rows compared in parallel never write the same word.
 */
final class MismatchMask {
  final int width;
  final int height;

  /** Words per row. */
  final int stride;

  final long[] words;

  MismatchMask(int width, int height) {
    this.width = width;
    this.height = height;
    this.stride = (width + 63) >>> 6;
    this.words = new long[Math.toIntExact((long) stride * height)];
  }

  void set(int x, int y) {
    words[y * stride + (x >>> 6)] |= 1L << x;
  }

  boolean get(int x, int y) {
    return (words[y * stride + (x >>> 6)] & 1L << x) != 0;
  }
}
