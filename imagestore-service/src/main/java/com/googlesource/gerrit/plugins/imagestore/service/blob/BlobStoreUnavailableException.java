package com.googlesource.gerrit.plugins.imagestore.service.blob;

import java.io.IOException;

/**
 * The blob store could not be reached or answered that it cannot serve now (5xx, 429, timeouts,
 * dropped connections), after the store's own bounded retries: a condition that passes, so the web
 * layer answers 503 with {@code Retry-After}. Any other {@link IOException} of a store is a fault
 * that retrying later does not cure (a refused permission, a corrupt blob).
 */
public class BlobStoreUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
