package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.time.Instant;

/** An image in the trash ({@code GET /trash}): what it was, and when it was deleted by whom. */
public class TrashInfo extends ImageInfo {
  public Instant trashedAt;
  public String trashedBy;

  /** From then on the periodic purge deletes it for good. */
  public Instant purgeAfter;
}
