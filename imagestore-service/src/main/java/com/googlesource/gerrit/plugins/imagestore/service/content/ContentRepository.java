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

package com.googlesource.gerrit.plugins.imagestore.service.content;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for the {@code blobs} table (one row per stored content) and for who holds a content: the
 * images and trash entries with its SHA-256. Callers own connections and transactions.
 */
public final class ContentRepository {
  /** How far a content has come; see the V6 migration. */
  public enum State {
    /** Row inserted; bytes not yet confirmed under the row lock. */
    PENDING,
    /** Bytes confirmed present under the row lock; nothing deletes them in this state. */
    LIVE,
    /** Nothing holds the content; its bytes may be deleted under the row lock. */
    DELETING;

    String sql() {
      return name().toLowerCase(Locale.ROOT);
    }

    static State of(String sql) {
      return valueOf(sql.toUpperCase(Locale.ROOT));
    }
  }

  /** A {@code blobs} row. */
  public record ContentRow(String sha256, long size, State state, long stateAt) {}

  /** Inserts a pending row for a content unless one exists; true when it was inserted. */
  public boolean insertIfAbsent(Connection c, String sha256, long size, long now)
      throws SQLException {
    return insertIfAbsent(c, sha256, size, State.PENDING, now);
  }

  /** Inserts a row in {@code state} unless one exists; true when it was inserted. */
  public boolean insertIfAbsent(Connection c, String sha256, long size, State state, long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blobs (sha256, size, created_at, state, state_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, sha256);
      ps.setLong(2, size);
      ps.setLong(3, now);
      ps.setString(4, state.sql());
      ps.setLong(5, now);
      return ps.executeUpdate() > 0;
    }
  }

  /** Locks the row of a content until the transaction ends; its state, or empty without one. */
  public Optional<State> lock(Connection c, String sha256) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT state FROM blobs WHERE sha256 = ? FOR UPDATE")) {
      ps.setString(1, sha256);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(State.of(rs.getString(1))) : Optional.empty();
      }
    }
  }

  public void setState(Connection c, String sha256, State state, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE blobs SET state = ?, state_at = ? WHERE sha256 = ?")) {
      ps.setString(1, state.sql());
      ps.setLong(2, now);
      ps.setString(3, sha256);
      ps.executeUpdate();
    }
  }

  public void delete(Connection c, String sha256) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM blobs WHERE sha256 = ?")) {
      ps.setString(1, sha256);
      ps.executeUpdate();
    }
  }

  /** Contents in {@code state} since {@code before} or earlier, at most {@code limit}. */
  public List<String> inState(Connection c, State state, long before, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT sha256 FROM blobs WHERE state = ? AND state_at <= ? ORDER BY state_at LIMIT ?")) {
      ps.setString(1, state.sql());
      ps.setLong(2, before);
      ps.setInt(3, limit);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /**
   * How many images and trash entries hold this content. One statement, so an entry moving between
   * the two tables in a concurrent transaction is counted once, never zero times.
   */
  public long holders(Connection c, String sha256) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT (SELECT COUNT(*) FROM images WHERE sha256 = ?)"
                + " + (SELECT COUNT(*) FROM trash WHERE sha256 = ?)")) {
      ps.setString(1, sha256);
      ps.setString(2, sha256);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** {@link #holders} of many contents at once; contents nobody holds are missing. */
  public Map<String, Long> holders(Connection c, Collection<String> sha256s) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    List<String> all = List.copyOf(sha256s);
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT sha256, COUNT(*) FROM (SELECT sha256 FROM images WHERE sha256 IN ("
                  + marks
                  + ") UNION ALL SELECT sha256 FROM trash WHERE sha256 IN ("
                  + marks
                  + ")) h GROUP BY sha256")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
          ps.setString(chunk.size() + i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
    }
    return out;
  }

  private static final int CHUNK = 500;

  // For the consistency check: everything about the contents whose SHA-256 starts with a prefix,
  // so a large store is checked a slice at a time.

  /** The {@code blobs} rows of contents starting with {@code prefix}. */
  public Map<String, ContentRow> rowsWithPrefix(Connection c, String prefix) throws SQLException {
    Map<String, ContentRow> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT sha256, size, state, state_at FROM blobs WHERE sha256 >= ? AND sha256 < ?")) {
      bindPrefix(ps, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1),
              new ContentRow(
                  rs.getString(1), rs.getLong(2), State.of(rs.getString(3)), rs.getLong(4)));
        }
      }
    }
    return out;
  }

  /** Image or trash id to content, for those whose content starts with {@code prefix}. */
  public Map<String, String> holdersWithPrefix(Connection c, String table, String prefix)
      throws SQLException {
    if (!table.equals("images") && !table.equals("trash")) {
      throw new IllegalArgumentException(table);
    }
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT uuid, sha256 FROM " + table + " WHERE sha256 >= ? AND sha256 < ?")) {
      bindPrefix(ps, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /** The diff pictures (stored without a {@code blobs} row) starting with {@code prefix}. */
  public Set<String> diffPicturesWithPrefix(Connection c, String prefix) throws SQLException {
    Set<String> out = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT diff_sha256 FROM diffs WHERE diff_sha256 >= ? AND diff_sha256 < ?")) {
      bindPrefix(ps, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Forgets the diffs whose picture is {@code diffSha256}: they are computed again when asked. */
  public int deleteDiffsWithPicture(Connection c, String diffSha256) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM diffs WHERE diff_sha256 = ?")) {
      ps.setString(1, diffSha256);
      return ps.executeUpdate();
    }
  }

  /** Binds {@code prefix} (lowercase hex) as the range [prefix, next prefix) to parameters 1, 2. */
  private static void bindPrefix(PreparedStatement ps, String prefix) throws SQLException {
    ps.setString(1, prefix);
    // Every key is lowercase hex: 'g' sorts after 'f', so prefix + "g" bounds the range.
    ps.setString(2, prefix + "g");
  }
}
