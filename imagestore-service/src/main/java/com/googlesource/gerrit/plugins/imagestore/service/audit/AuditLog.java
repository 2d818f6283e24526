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

import com.googlesource.gerrit.plugins.imagestore.client.model.AuditEntryInfo;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code audit_log} table: a line per image trashed, restored, purged or imported. Lines are
 * written in the transaction of the change they record, so the log never claims what did not
 * happen.
 */
public final class AuditLog {
  public static final String TRASH = "trash";
  public static final String RESTORE = "restore";
  public static final String PURGE = "purge";

  /** An admin stored an image under a chosen id ({@code PUT /images/{uuid}?import=true}). */
  public static final String IMPORT = "import";

  private static final int MAX_DETAIL = 255;

  private final Database db;

  public AuditLog(Database db) {
    this.db = db;
  }

  public void record(
      Connection c,
      long at,
      Actor actor,
      String action,
      ImageRecord image,
      long bytesFreed,
      String detail)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_log (at, actor, address, action, uuid, sha256, size, bytes_freed,"
                + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, at);
      ps.setString(2, truncate(actor.name(), 64));
      ps.setString(3, actor.address() == null ? null : truncate(actor.address(), 64));
      ps.setString(4, action);
      ps.setString(5, image.uuid());
      ps.setString(6, image.sha256());
      ps.setLong(7, image.size());
      ps.setLong(8, bytesFreed);
      ps.setString(9, detail == null ? null : truncate(detail, MAX_DETAIL));
      ps.executeUpdate();
    }
  }

  /**
   * Entries newest first, {@code limit} of them with ids below {@code before} (null: from the
   * newest), of one image when {@code uuid} is not null.
   */
  public List<AuditEntryInfo> list(Long before, String uuid, int limit) {
    String sql =
        "SELECT id, at, actor, address, action, uuid, sha256, size, bytes_freed, detail"
            + " FROM audit_log WHERE id < ?"
            + (uuid == null ? "" : " AND uuid = ?")
            + " ORDER BY id DESC LIMIT ?";
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, before == null ? Long.MAX_VALUE : before);
            if (uuid != null) {
              ps.setString(i++, uuid);
            }
            ps.setInt(i, limit);
            List<AuditEntryInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                AuditEntryInfo e = new AuditEntryInfo();
                e.id = rs.getLong(1);
                e.at = Instant.ofEpochMilli(rs.getLong(2));
                e.actor = rs.getString(3);
                e.address = rs.getString(4);
                e.action = rs.getString(5);
                e.uuid = rs.getString(6);
                e.sha256 = rs.getString(7);
                e.size = rs.getLong(8);
                e.bytesFreed = rs.getLong(9);
                e.detail = rs.getString(10);
                out.add(e);
              }
            }
            return out;
          }
        });
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
