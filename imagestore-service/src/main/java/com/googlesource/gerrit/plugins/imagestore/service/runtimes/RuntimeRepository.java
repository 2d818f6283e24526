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

package com.googlesource.gerrit.plugins.imagestore.service.runtimes;

import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code runtimes} table. Callers own connections and transactions. */
public final class RuntimeRepository {
  private static final String COLUMNS =
      "id, platform, resolution, browser, theme, direction, mode, description";

  public Optional<RuntimeRecord> find(Connection c, String id) throws SQLException {
    return Sql.on(c, "SELECT " + COLUMNS + " FROM runtimes WHERE id = ?")
        .bind(id)
        .one(RuntimeRepository::read);
  }

  /** Every runtime, ordered by its dimensions. */
  public List<RuntimeRecord> list(Connection c) throws SQLException {
    return Sql.on(
            c,
            "SELECT "
                + COLUMNS
                + " FROM runtimes ORDER BY platform, resolution, browser, theme, direction, mode")
        .list(RuntimeRepository::read);
  }

  /** Inserts {@code r} (with its id) unless a runtime with its id exists; true when inserted. */
  public boolean insertIfAbsent(Connection c, RuntimeRecord r, long now) throws SQLException {
    TestRuntime dims = r.runtime();
    return Sql.on(
                c,
                "INSERT INTO runtimes ("
                    + COLUMNS
                    + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")
            .bind(r.id())
            .bind(dims.platform())
            .bind(dims.resolution())
            .bind(dims.browser())
            .bind(dims.theme())
            .bind(dims.direction())
            .bind(dims.mode())
            .bind(r.description())
            .bind(now)
            .update()
        > 0;
  }

  public void setDescription(Connection c, String id, String description) throws SQLException {
    Sql.on(c, "UPDATE runtimes SET description = ? WHERE id = ?")
        .bind(description)
        .bind(id)
        .update();
  }

  public boolean delete(Connection c, String id) throws SQLException {
    return Sql.on(c, "DELETE FROM runtimes WHERE id = ?").bind(id).update() > 0;
  }

  private static RuntimeRecord read(ResultSet rs) throws SQLException {
    return new RuntimeRecord(
        rs.getString(1),
        new TestRuntime(
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            rs.getString(7)),
        rs.getString(8));
  }
}
