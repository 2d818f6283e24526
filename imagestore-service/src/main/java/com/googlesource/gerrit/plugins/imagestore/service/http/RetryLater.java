package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.RequestException;

/** A refusal the client may try again after {@code Retry-After} seconds (429, 503). */
final class RetryLater extends RequestException {
  private static final long serialVersionUID = 1L;

  private final long retryAfterSeconds;

  RetryLater(int status, String code, String message, long retryAfterSeconds) {
    super(status, code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
