package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.util.List;

/**
 * Body of {@code POST /references} (add) and {@code PUT /references} (replace the whole set of
 * {@code project}, or of one {@code branch} of it).
 */
public class ReferencesInput {
  public String project;
  public String branch;
  public List<ReferenceInfo> references;
}
