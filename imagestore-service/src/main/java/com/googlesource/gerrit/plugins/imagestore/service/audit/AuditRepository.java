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

package com.googlesource.gerrit.plugins.imagestore.service.audit;

import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** SQL for the {@code audit_log} table. Callers own connections and transactions. */
final class AuditRepository {
  /** One line to write. */
  record Line(
      long at,
      String actor,
      String address,
      String action,
      String uuid,
      String sha256,
      long size,
      long bytesFreed,
      String detail) {}

  /** Writes {@code lines} in order, one batch. */
  void insert(Connection c, List<Line> lines) throws SQLException {
    Sql insert =
        Sql.on(
            c,
            "INSERT INTO audit_log (at, actor, address, action, uuid, sha256, size, bytes_freed,"
                + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (Line l : lines) {
      insert
          .bind(l.at())
          .bind(l.actor())
          .bind(l.address())
          .bind(l.action())
          .bind(l.uuid())
          .bind(l.sha256())
          .bind(l.size())
          .bind(l.bytesFreed())
          .bind(l.detail())
          .add();
    }
    insert.batch();
  }

  /** Entries newest first, with ids below {@code before}, of one image unless uuid is null. */
  List<AuditEntry> list(Connection c, long before, String uuid, int limit) throws SQLException {
    Sql query =
        Sql.on(
                c,
                "SELECT id, at, actor, address, action, uuid, sha256, size, bytes_freed, detail"
                    + " FROM audit_log WHERE id < ?"
                    + (uuid == null ? "" : " AND uuid = ?")
                    + " ORDER BY id DESC LIMIT ?")
            .bind(before);
    if (uuid != null) {
      query.bind(uuid);
    }
    return query.bind(limit).list(AuditRepository::read);
  }

  private static AuditEntry read(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getLong(8),
        rs.getLong(9),
        rs.getString(10));
  }
}
