package com.googlesource.gerrit.plugins.imagestore.client.model;

/**
 * Answer of {@code POST /orphans}: how many images the recomputation marked and cleared, and how
 * many it brought back from the trash because a reference names them.
 */
public class OrphanSweepResult {
  public int marked;
  public int cleared;
  public int restored;
}
