package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.time.Instant;

/** Body of {@code PUT /orphans/{uuid}}: mark an unreferenced image orphaned since a time. */
public class OrphanMarkInput {
  /** Defaults to now. */
  public Instant orphanedAt;
}
