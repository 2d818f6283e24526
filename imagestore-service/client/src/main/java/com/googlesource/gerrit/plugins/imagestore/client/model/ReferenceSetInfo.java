package com.googlesource.gerrit.plugins.imagestore.client.model;

/** The fingerprint of the references the service stores for a project (or one branch of it). */
public class ReferenceSetInfo {
  public String project;

  /** Null when the set is the whole project's. */
  public String branch;

  /** Distinct references in the set. */
  public int count;

  /** {@link com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest} of the set. */
  public String digest;
}
