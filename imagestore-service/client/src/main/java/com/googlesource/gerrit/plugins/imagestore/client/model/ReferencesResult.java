package com.googlesource.gerrit.plugins.imagestore.client.model;

/** What a references call changed. */
public class ReferencesResult {
  public int added;
  public int removed;
}
