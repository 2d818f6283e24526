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

import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** SQL for the {@code users} table. Callers own connections and transactions. */
final class UserRepository {
  /** A stored account: its name, bcrypt hash and roles. */
  record Account(String name, String hash, Set<Role> roles) {}

  Optional<Account> find(Connection c, String name) throws SQLException {
    return Sql.on(c, "SELECT name, password_hash, roles FROM users WHERE name = ?")
        .bind(name)
        .one(rs -> new Account(rs.getString(1), rs.getString(2), parseRoles(rs.getString(3))));
  }

  /**
   * The accounts of these names that exist, by name. On PostgreSQL their rows stay locked (shared)
   * until the caller's transaction ends: a removal or a password change by another process (the
   * command line, another replica) waits for it, so none commits between this read and the caller's
   * commit. The embedded database has one process, the service (another is refused while it runs),
   * so nobody changes accounts beside it and a plain read is the same.
   */
  static Map<String, Account> lockAll(Connection c, Collection<String> names) throws SQLException {
    String lock = Sql.isPostgres(c) ? " FOR SHARE" : "";
    Map<String, Account> found = new HashMap<>();
    for (List<String> chunk : Sql.inListChunks(names)) {
      Sql.on(
              c,
              "SELECT name, password_hash, roles FROM users WHERE name IN ("
                  + Sql.inList(chunk.size())
                  + ") ORDER BY name"
                  + lock)
          .bindAll(chunk)
          .forEach(
              rs ->
                  found.put(
                      rs.getString(1),
                      new Account(rs.getString(1), rs.getString(2), parseRoles(rs.getString(3)))));
    }
    return found;
  }

  /** Names and roles of all accounts, by name. */
  List<User> list(Connection c) throws SQLException {
    return Sql.on(c, "SELECT name, roles FROM users ORDER BY name")
        .list(rs -> new User(rs.getString(1), parseRoles(rs.getString(2))));
  }

  void insert(Connection c, String name, String hash, Set<Role> roles, long now)
      throws SQLException {
    String roleList = roles.stream().map(Role::wireName).sorted().collect(Collectors.joining(","));
    Sql.on(c, "INSERT INTO users (name, password_hash, roles, created_at) VALUES (?,?,?,?)")
        .bind(name)
        .bind(hash)
        .bind(roleList)
        .bind(now)
        .update();
  }

  boolean delete(Connection c, String name) throws SQLException {
    return Sql.on(c, "DELETE FROM users WHERE name = ?").bind(name).update() > 0;
  }

  private static Set<Role> parseRoles(String list) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String r : list.split(",")) {
      if (!r.isBlank()) {
        roles.add(Role.parse(r));
      }
    }
    return roles;
  }
}
