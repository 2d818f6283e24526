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

package com.googlesource.gerrit.plugins.imagestore.client;

import java.io.IOException;

/** The service answered with an error status; {@link #status()} tells which. */
public class ImagestoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  public ImagestoreException(int status, String error, String message) {
    super(message + " (HTTP " + status + (error == null ? "" : ", " + error) + ")");
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  /** The service's machine-readable error code, or null. */
  public String error() {
    return error;
  }
}
