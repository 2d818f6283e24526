package com.googlesource.gerrit.plugins.imagestore.client;

import java.io.IOException;

/** The service answered with an error status; {@link #status()} tells which. */
public class ImagestoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  public ImagestoreException(int status, String error, String message) {
    super(message + " (HTTP " + status + (error == null ? "" : ", " + error) + ")");
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  /** The service's machine-readable error code, or null. */
  public String error() {
    return error;
  }
}
