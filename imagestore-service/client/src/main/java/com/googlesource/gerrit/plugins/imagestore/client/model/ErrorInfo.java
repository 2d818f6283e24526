package com.googlesource.gerrit.plugins.imagestore.client.model;

/** The JSON body of every error answer. */
public class ErrorInfo {
  public int status;

  /** A stable, machine-readable code such as {@code not_png} or {@code too_large}. */
  public String error;

  public String message;
}
