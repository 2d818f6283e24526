package com.googlesource.gerrit.plugins.imagestore.client.model;

/** A {@code .lnk} file in a commit of a tracked branch that names an image. */
public class ReferenceInfo {
  public String project;
  public String branch;
  public String commit;
  public String path;
  public String uuid;

  public ReferenceInfo() {}

  public ReferenceInfo(String project, String branch, String commit, String path, String uuid) {
    this.project = project;
    this.branch = branch;
    this.commit = commit;
    this.path = path;
    this.uuid = uuid;
  }
}
