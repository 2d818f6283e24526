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

package com.googlesource.gerrit.plugins.imagestore.client.model;

/**
 * A block of the new image ({@code b}) whose content moved from elsewhere in the reference ({@code
 * a}): "moved by (dx, dy)". Its content was at {@code (x - dx, y - dy)} in the reference.
 */
public class ShiftInfo {
  /** Left edge of the block in the new image. */
  public int x;

  /** Top edge of the block in the new image. */
  public int y;

  public int width;
  public int height;

  /** How far the content moved right (negative: left). */
  public int dx;

  /** How far the content moved down (negative: up). */
  public int dy;

  /** The mismatched pixels this move explains (where the content arrived and where it left). */
  public long mismatchedPixels;
}
