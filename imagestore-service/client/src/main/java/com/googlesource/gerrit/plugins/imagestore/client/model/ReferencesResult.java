package com.googlesource.gerrit.plugins.imagestore.client.model;

/** What a references call changed. */
public class ReferencesResult {
  public int added;
  public int removed;

  /** Images in the service's trash that the new references brought back. */
  public int restored;

  /**
   * True when a replace was skipped because the service already stored exactly this set (its digest
   * matched), so nothing was sent.
   */
  public boolean unchanged;
}
