package com.googlesource.gerrit.plugins.imagestore.service.images;

import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.SpecInfo;

/** One row of the {@code images} table. Times are epoch milliseconds. */
public record ImageRecord(
    String uuid,
    String sha256,
    long size,
    int width,
    int height,
    long createdAt,
    String uploadedBy,
    SpecInfo spec,
    RuntimeInfo runtime,
    Long orphanedAt) {

  public ImageRecord withOrphanedAt(Long orphanedAt) {
    return new ImageRecord(
        uuid, sha256, size, width, height, createdAt, uploadedBy, spec, runtime, orphanedAt);
  }
}
