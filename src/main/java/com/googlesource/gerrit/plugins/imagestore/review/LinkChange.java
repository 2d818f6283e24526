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
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code .lnk} file a commit adds, changes or deletes compared with its base.
 *
 * @param oldId the image the base names; null when added or when the base's file does not parse
 * @param newId the image the commit names; null when deleted or when the file does not parse
 * @param problem why the commit's file does not name an image, or null
 * @param newVariants the accepted variants ({@code alt=} lines) the commit's file lists
 */
public record LinkChange(
    String path,
    Status status,
    @Nullable ImageId oldId,
    @Nullable ImageId newId,
    @Nullable String problem,
    List<ImageId> newVariants) {
  public LinkChange {
    newVariants = List.copyOf(newVariants);
  }

  public LinkChange(
      String path,
      Status status,
      @Nullable ImageId oldId,
      @Nullable ImageId newId,
      @Nullable String problem) {
    this(path, status, oldId, newId, problem, List.of());
  }

  /** Every image the commit's file names: the reference, then the variants. */
  public List<ImageId> newIds() {
    if (newId == null) {
      return List.of();
    }
    List<ImageId> ids = new ArrayList<>(1 + newVariants.size());
    ids.add(newId);
    ids.addAll(newVariants);
    return ids;
  }

  public enum Status {
    ADDED,
    MODIFIED,
    DELETED
  }
}
