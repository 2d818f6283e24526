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
 * A block whose content moved between the reference (a) and the new image (b): it is at {@code x,
 * y, width, height} in b, and was at {@code (x - dx, y - dy)} in a; "moved by (dx, dy)".
 */
public class ShiftInfo {
  public int x;
  public int y;
  public int width;
  public int height;
  public int dx;
  public int dy;

  /** Mismatched pixels the move explains. */
  public long mismatchedPixels;
}
