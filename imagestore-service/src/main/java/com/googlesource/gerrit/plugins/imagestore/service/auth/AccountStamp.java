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

package com.googlesource.gerrit.plugins.imagestore.service.auth;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An account as a provisional authentication saw it ({@link
 * UserService#authenticateProvisionally}): the change it lets in may commit only if, in the
 * change's own transaction, the account still has this password hash and may act in this role
 * ({@link #confirmed}). A removal or a password change by another process (the command line,
 * another replica) is then in force for every upload that commits after it, without a statement per
 * request.
 */
public record AccountStamp(String name, String passwordHash, Role role) {
  /** Never the hash: a stamp may end up in a log line. */
  @Override
  public String toString() {
    return "AccountStamp[" + name + ", " + role.wireName() + "]";
  }

  /**
   * Those of {@code stamps} whose accounts are unchanged since: the same password hash and still
   * the role (or admin). One statement for a batch of uploads, in the caller's transaction, which
   * on PostgreSQL holds the accounts' rows until it ends: a removal or a password change by another
   * process commits before this read (and refuses the uploads) or after the caller's commit ({@link
   * UserRepository#lockAll}).
   */
  public static Set<AccountStamp> confirmed(Connection c, Collection<AccountStamp> stamps)
      throws SQLException {
    Set<String> names = new TreeSet<>();
    stamps.forEach(s -> names.add(s.name()));
    Map<String, UserRepository.Account> now = UserRepository.lockAll(c, names);
    Set<AccountStamp> unchanged = new HashSet<>();
    for (AccountStamp s : stamps) {
      UserRepository.Account a = now.get(s.name());
      if (a != null
          && a.hash().equals(s.passwordHash())
          && new User(a.name(), a.roles()).may(s.role())) {
        unchanged.add(s);
      }
    }
    return unchanged;
  }
}
