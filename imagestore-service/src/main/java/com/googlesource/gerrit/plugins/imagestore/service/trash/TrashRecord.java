package com.googlesource.gerrit.plugins.imagestore.service.trash;

import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;

/** One row of the {@code trash} table: the image as it was, and its deletion. */
public record TrashRecord(ImageRecord image, long trashedAt, String trashedBy, long purgeAfter) {}
