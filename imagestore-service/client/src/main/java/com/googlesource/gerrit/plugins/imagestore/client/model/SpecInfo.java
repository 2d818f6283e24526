package com.googlesource.gerrit.plugins.imagestore.client.model;

/** The visual test (spec) an image was taken by. */
public class SpecInfo {
  public String lib;
  public String name;
  public String branch;
}
