package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.auth.User;
import com.googlesource.gerrit.plugins.imagestore.service.auth.UserService;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** HTTP Basic authentication against the service's accounts, and the role check after it. */
final class Authenticator {
  private final UserService users;

  Authenticator(UserService users) {
    this.users = users;
  }

  /**
   * The caller, who must hold {@code role}.
   *
   * @throws RequestException 401 without valid credentials, 403 without the role
   */
  User require(HttpServletRequest req, Role role) {
    User user =
        credentials(req)
            .flatMap(c -> users.authenticate(c[0], c[1]))
            .orElseThrow(
                () ->
                    new RequestException(
                        401, "unauthorized", "valid credentials are required (HTTP Basic)"));
    if (!user.may(role)) {
      throw new RequestException(
          403,
          "forbidden",
          "user " + user.name() + " lacks the role " + role.wireName() + " needed here");
    }
    return user;
  }

  /** Like {@link #require}, as the audit log names the caller: account and address. */
  Actor actor(HttpServletRequest req, Role role) {
    return new Actor(require(req, role).name(), req.getRemoteAddr());
  }

  private static Optional<String[]> credentials(HttpServletRequest req) {
    String header = req.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }
}
