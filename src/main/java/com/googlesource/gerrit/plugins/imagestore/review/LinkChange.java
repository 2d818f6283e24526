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
