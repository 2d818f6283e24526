package com.googlesource.gerrit.plugins.imagestore.client.model;

/** Answer to an upload: the id to write into the {@code .lnk} file. */
public class UploadResult {
  public String uuid;
}
