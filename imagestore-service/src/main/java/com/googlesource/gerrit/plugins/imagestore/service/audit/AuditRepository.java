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
  void insert(
      Connection c,
      long at,
      String actor,
      String address,
      String action,
      String uuid,
      String sha256,
      long size,
      long bytesFreed,
      String detail)
      throws SQLException {
    Sql.on(
            c,
            "INSERT INTO audit_log (at, actor, address, action, uuid, sha256, size, bytes_freed,"
                + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(at)
        .bind(actor)
        .bind(address)
        .bind(action)
        .bind(uuid)
        .bind(sha256)
        .bind(size)
        .bind(bytesFreed)
        .bind(detail)
        .update();
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
