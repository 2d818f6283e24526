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

package com.googlesource.gerrit.plugins.imagestore.review;

import com.google.gerrit.common.Nullable;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;

/**
 * A {@code .lnk} file a commit adds, changes or deletes compared with its base.
 *
 * @param oldId the image the base names; null when added or when the base's file does not parse
 * @param newId the image the commit names; null when deleted or when the file does not parse
 * @param problem why the commit's file does not name an image, or null
 */
public record LinkChange(
    String path,
    Status status,
    @Nullable ImageId oldId,
    @Nullable ImageId newId,
    @Nullable String problem) {
  public enum Status {
    ADDED,
    MODIFIED,
    DELETED
  }
}
