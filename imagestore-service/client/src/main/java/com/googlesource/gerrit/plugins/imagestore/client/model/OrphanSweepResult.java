package com.googlesource.gerrit.plugins.imagestore.client.model;

/** Answer of {@code POST /orphans}: how many images the recomputation marked and cleared. */
public class OrphanSweepResult {
  public int marked;
  public int cleared;
}
