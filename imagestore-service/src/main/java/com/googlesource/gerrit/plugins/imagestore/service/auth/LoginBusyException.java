package com.googlesource.gerrit.plugins.imagestore.service.auth;

/** No bcrypt slot freed in time for a login: the service answers 503 with {@code Retry-After}. */
public final class LoginBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LoginBusyException() {
    super("too many logins are being checked at once; try again shortly", null, false, false);
  }
}
