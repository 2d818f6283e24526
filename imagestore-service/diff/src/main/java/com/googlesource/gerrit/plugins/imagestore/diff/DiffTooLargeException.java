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
 * Two images the engine refuses to compare because the comparison would take more pixels or memory
 * than its {@link DiffLimits} allow; found from the PNG headers before anything is decoded.
 *
 * <p>A kind of {@link UndecodableImageException}: whoever only knows that one still refuses the
 * input as bad rather than failing. It names no image ({@link #image()} is null) when the two
 * together are too much. {@link PngHeader#check} throws it too, for one image over a pixel limit:
 * the same refusal, before the image is stored rather than compared.
 */
public final class DiffTooLargeException extends UndecodableImageException {
  private static final long serialVersionUID = 1L;

  public DiffTooLargeException(String message) {
    super(message);
  }

  private DiffTooLargeException(Side image, String message, Throwable cause) {
    super(image, message, cause);
  }

  @Override
  DiffTooLargeException of(Side image) {
    return new DiffTooLargeException(image, getMessage(), this);
  }
}
