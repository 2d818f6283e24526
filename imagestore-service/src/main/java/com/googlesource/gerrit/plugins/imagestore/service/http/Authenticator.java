// Copyright (C) 2026 The imagestore Authors
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.LoginBusyException;
import com.googlesource.gerrit.plugins.imagestore.service.auth.LoginThrottle;
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
  private final LoginThrottle throttle;
  private final boolean publicMetadata;

  Authenticator(UserService users, LoginThrottle throttle, boolean publicMetadata) {
    this.users = users;
    this.throttle = throttle;
    this.publicMetadata = publicMetadata;
  }

  /**
   * For listings and reference metadata (which name projects, branches, commits and paths, of
   * private projects too): an account of any role, unless the service runs with {@code
   * --public-metadata}. Image bytes and diffs never ask.
   *
   * @throws RequestException 401 without valid credentials
   */
  void requireMetadataReader(HttpServletRequest req) {
    if (!publicMetadata) {
      authenticate(req, users::authenticate).orElseThrow(Authenticator::unauthorized);
    }
  }

  /**
   * The caller, who must hold {@code role}.
   *
   * @throws RequestException 401 without valid credentials, 403 without the role
   */
  User require(HttpServletRequest req, Role role) {
    return checkRole(authenticate(req, users::authenticate), role);
  }

  /**
   * Like {@link #require}, perhaps from an account row read seconds ago: the caller's change must
   * confirm the user's {@link User#stamp} when it commits (uploads do, in {@code
   * ImageService.store}).
   */
  User requireProvisionally(HttpServletRequest req, Role role) {
    return checkRole(
        authenticate(
            req, (name, password) -> users.authenticateProvisionally(name, password, role)),
        role);
  }

  /** After a refusal for a changed account: its next request reads the account again. */
  void forget(String account) {
    users.forget(account);
  }

  private static User checkRole(Optional<User> authenticated, Role role) {
    User user = authenticated.orElseThrow(Authenticator::unauthorized);
    if (!user.may(role)) {
      throw new RequestException(
          403,
          "forbidden",
          "user " + user.name() + " lacks the role " + role.wireName() + " needed here");
    }
    return user;
  }

  /**
   * The account of the request's credentials, empty without them or when they are wrong. Failures
   * count against the client's address and the account ({@link LoginThrottle}); past the limit the
   * answer is 429 with {@code Retry-After}, whatever the password, before it is checked.
   */
  private Optional<User> authenticate(HttpServletRequest req, Check check) {
    Optional<String[]> credentials = credentials(req);
    if (credentials.isEmpty()) {
      return Optional.empty();
    }
    String name = credentials.get()[0];
    String password = credentials.get()[1];
    if (!UserService.plausible(name, password)) {
      return Optional.empty(); // cannot be right, and costs nothing to refuse
    }
    String address = req.getRemoteAddr();
    long wait = throttle.retryAfterSeconds(address, name);
    if (wait > 0) {
      throw new RetryLater(
          429,
          "too_many_login_failures",
          "too many failed logins from this address or for this account; try again in "
              + wait
              + " s",
          wait);
    }
    Optional<User> user;
    try {
      user = check.authenticate(name, password);
    } catch (LoginBusyException e) {
      throw new RetryLater(503, "login_busy", e.getMessage(), BUSY_RETRY_AFTER_SECONDS);
    }
    if (user.isEmpty()) {
      throttle.failed(address, name);
    } else {
      req.setAttribute(AccessLog.ACCOUNT, user.get().name());
    }
    return user;
  }

  /** A way to check a name and password against the accounts. */
  @FunctionalInterface
  private interface Check {
    Optional<User> authenticate(String name, String password);
  }

  private static final long BUSY_RETRY_AFTER_SECONDS = 5;

  private static RequestException unauthorized() {
    return new RequestException(401, "unauthorized", "valid credentials are required (HTTP Basic)");
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
