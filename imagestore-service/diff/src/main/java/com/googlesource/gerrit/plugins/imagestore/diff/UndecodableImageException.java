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

import java.io.IOException;

/** The bytes are no PNG, or a damaged one, so there are no pixels to compare. */
public class UndecodableImageException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Side image;

  public UndecodableImageException(String message) {
    this(null, message, null);
  }

  public UndecodableImageException(String message, Throwable cause) {
    this(null, message, cause);
  }

  protected UndecodableImageException(Side image, String message, Throwable cause) {
    super(message, cause);
    this.image = image;
  }

  /** The same failure, naming the image of a comparison it is about. */
  UndecodableImageException of(Side image) {
    return new UndecodableImageException(image, getMessage(), this);
  }

  /** Which image of a comparison could not be decoded; null when not known. */
  public Side image() {
    return image;
  }
}
