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

package com.googlesource.gerrit.plugins.imagestore.service.references;

import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** SQL for the {@code image_references} table. Callers own connections and transactions. */
public final class ReferenceRepository {
  /** Inserts references that are not stored yet; returns how many were new. */
  public int insertIfAbsent(Connection c, Collection<ReferenceInfo> refs, long now)
      throws SQLException {
    if (refs.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO image_references (project, branch, path, uuid, commit_id, indexed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (ReferenceInfo r : refs) {
        ps.setString(1, r.project);
        ps.setString(2, r.branch);
        ps.setString(3, r.path);
        ps.setString(4, r.uuid);
        ps.setString(5, r.commit);
        ps.setLong(6, now);
        ps.addBatch();
      }
      return sum(ps.executeBatch());
    }
  }

  /** The references of a project, or of one branch of it when {@code branch} is not null. */
  public List<ReferenceInfo> list(Connection c, String project, String branch) throws SQLException {
    String sql =
        "SELECT project, branch, path, uuid, commit_id FROM image_references WHERE project = ?"
            + (branch == null ? "" : " AND branch = ?");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, project);
      if (branch != null) {
        ps.setString(2, branch);
      }
      return read(ps);
    }
  }

  public List<ReferenceInfo> findByUuid(Connection c, String uuid, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT project, branch, path, uuid, commit_id FROM image_references WHERE uuid = ?"
                + " ORDER BY project, branch, path LIMIT ?")) {
      ps.setString(1, uuid);
      ps.setInt(2, limit);
      return read(ps);
    }
  }

  public boolean isReferenced(Connection c, String uuid) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM image_references WHERE uuid = ? LIMIT 1")) {
      ps.setString(1, uuid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Deletes the given references (matched on project, branch, path and uuid). */
  public int delete(Connection c, Collection<ReferenceInfo> refs) throws SQLException {
    if (refs.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM image_references WHERE project = ? AND branch = ? AND path = ?"
                + " AND uuid = ?")) {
      for (ReferenceInfo r : refs) {
        ps.setString(1, r.project);
        ps.setString(2, r.branch);
        ps.setString(3, r.path);
        ps.setString(4, r.uuid);
        ps.addBatch();
      }
      return sum(ps.executeBatch());
    }
  }

  private static List<ReferenceInfo> read(PreparedStatement ps) throws SQLException {
    List<ReferenceInfo> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new ReferenceInfo(
                rs.getString(1),
                rs.getString(2),
                rs.getString(5),
                rs.getString(3),
                rs.getString(4)));
      }
    }
    return out;
  }

  private static int sum(int[] counts) {
    int n = 0;
    for (int k : counts) {
      // Drivers may answer SUCCESS_NO_INFO (-2) for a batched row; count it as changed.
      n += k == PreparedStatement.SUCCESS_NO_INFO ? 1 : Math.max(k, 0);
    }
    return n;
  }
}
