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

package com.googlesource.gerrit.plugins.imagestore.service.blob;

import java.io.IOException;

/**
 * The blob store could not be reached or answered that it cannot serve now (5xx, 429, timeouts,
 * dropped connections), after the store's own bounded retries: a condition that passes, so the web
 * layer answers 503 with {@code Retry-After}. Any other {@link IOException} of a store is a fault
 * that retrying later does not cure (a refused permission, a corrupt blob).
 */
public class BlobStoreUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
