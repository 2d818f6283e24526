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

package com.googlesource.gerrit.plugins.imagestore.service.trash;

import static com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.COLUMNS;

import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code trash} table. Callers own connections and transactions. */
public final class TrashRepository {
  private static final String TRASH_COLUMNS = COLUMNS + ", trashed_at, trashed_by, purge_after";

  /** Ids per {@code IN (…)} list: well below every driver's parameter limit. */
  private static final int CHUNK = 500;

  public void insert(Connection c, TrashRecord t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO trash ("
                + TRASH_COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      ImageRepository.bind(ps, t.image());
      ps.setLong(18, t.trashedAt());
      ps.setString(19, t.trashedBy());
      ps.setLong(20, t.purgeAfter());
      ps.executeUpdate();
    }
  }

  public Optional<TrashRecord> find(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + TRASH_COLUMNS + " FROM trash WHERE uuid = ?", uuid);
  }

  /** Like {@link #find} but locks the row until the transaction ends. */
  public Optional<TrashRecord> findForUpdate(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + TRASH_COLUMNS + " FROM trash WHERE uuid = ? FOR UPDATE", uuid);
  }

  private Optional<TrashRecord> findOne(Connection c, String sql, String uuid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uuid);
      return read(ps).stream().findFirst();
    }
  }

  public boolean delete(Connection c, String uuid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM trash WHERE uuid = ?")) {
      ps.setString(1, uuid);
      return ps.executeUpdate() > 0;
    }
  }

  /** Entries in id order, {@code limit} of them after {@code after} (null: from the start). */
  public List<TrashRecord> list(Connection c, String after, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + TRASH_COLUMNS + " FROM trash WHERE uuid > ? ORDER BY uuid LIMIT ?")) {
      ps.setString(1, after == null ? "" : after);
      ps.setInt(2, limit);
      return read(ps);
    }
  }

  /** Entries whose retention ended at or before {@code now}, the oldest first. */
  public List<TrashRecord> listExpired(Connection c, long now, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + TRASH_COLUMNS
                + " FROM trash WHERE purge_after <= ? ORDER BY purge_after, uuid LIMIT ?")) {
      ps.setLong(1, now);
      ps.setInt(2, limit);
      return read(ps);
    }
  }

  /** Those of {@code uuids} that are in the trash. */
  public List<String> trashedAmong(Connection c, Collection<String> uuids) throws SQLException {
    List<String> out = new ArrayList<>();
    List<String> all = List.copyOf(uuids);
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement ps =
          c.prepareStatement("SELECT uuid FROM trash WHERE uuid IN (" + marks + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
    }
    return out;
  }

  /** Trash entries a reference names. */
  public List<String> trashedAndReferenced(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT uuid FROM trash t WHERE EXISTS"
                    + " (SELECT 1 FROM image_references r WHERE r.uuid = t.uuid) ORDER BY uuid");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<TrashRecord> read(PreparedStatement ps) throws SQLException {
    List<TrashRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ImageRecord image = ImageRepository.read(rs);
        out.add(
            new TrashRecord(
                image,
                rs.getLong("trashed_at"),
                rs.getString("trashed_by"),
                rs.getLong("purge_after")));
      }
    }
    return out;
  }
}
