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
 * A block of the second image whose content was elsewhere in the first: "moved by (dx, dy)".
 *
 * @param x left edge of the block in the second image (b)
 * @param y top edge of the block in the second image
 * @param width the block's width
 * @param height the block's height
 * @param dx how far the content moved right (negative: left); it was at {@code x - dx} in a
 * @param dy how far the content moved down (negative: up); it was at {@code y - dy} in a
 * @param mismatchedPixels the mismatched pixels the move explains: where the content arrived and
 *     where it left
 */
public record Shift(int x, int y, int width, int height, int dx, int dy, long mismatchedPixels) {}
