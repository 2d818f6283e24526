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

import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

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
    return Sql.on(c, INSERT_IF_ABSENT)
            .bind(sha256)
            .bind(size)
            .bind(now)
            .bind(state.sql())
            .bind(now)
            .update()
        > 0;
  }

  /**
   * Inserts rows in {@code state} for these contents (SHA-256 to size) unless they have one, in one
   * statement, in SHA-256 order: two transactions inserting the same contents never wait on each
   * other crosswise. Returns how many it inserted: fewer than given when some had a row.
   */
  public int insertIfAbsent(Connection c, SortedMap<String, Long> sizes, State state, long now)
      throws SQLException {
    int inserted = 0;
    for (List<String> chunk : Sql.arrayChunks(sizes.keySet())) {
      inserted +=
          Sql.on(
                  c,
                  "INSERT INTO blobs (sha256, size, created_at, state, state_at)"
                      + " SELECT t.sha256, CAST(t.size AS BIGINT), ?, ?, ?"
                      + " FROM UNNEST(?, ?) AS t(sha256, size) ON CONFLICT DO NOTHING")
              .bind(now)
              .bind(state.sql())
              .bind(now)
              .bindArray(chunk)
              .bindArray(chunk.stream().map(sha256 -> String.valueOf(sizes.get(sha256))).toList())
              .update();
    }
    return inserted;
  }

  private static final String INSERT_IF_ABSENT =
      "INSERT INTO blobs (sha256, size, created_at, state, state_at)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

  /** Locks the row of a content until the transaction ends; its state, or empty without one. */
  public Optional<State> lock(Connection c, String sha256) throws SQLException {
    return Sql.on(c, "SELECT state FROM blobs WHERE sha256 = ? FOR UPDATE")
        .bind(sha256)
        .one(rs -> State.of(rs.getString(1)));
  }

  /**
   * Locks the rows of those of {@code sha256s} that have one, in SHA-256 order (so two callers
   * locking overlapping sets never wait on each other crosswise); their states.
   */
  public Map<String, State> lockAll(Connection c, Collection<String> sha256s) throws SQLException {
    Map<String, State> out = new HashMap<>();
    for (List<String> chunk : Sql.inListChunks(new TreeSet<>(sha256s))) {
      Sql.on(
              c,
              "SELECT sha256, state FROM blobs WHERE sha256 IN ("
                  + Sql.inList(chunk.size())
                  + ") ORDER BY sha256 FOR UPDATE")
          .bindAll(chunk)
          .forEach(rs -> out.put(rs.getString(1), State.of(rs.getString(2))));
    }
    return out;
  }

  /** {@link #setState} of many contents at once. */
  public void setStates(Connection c, Collection<String> sha256s, State state, long now)
      throws SQLException {
    for (List<String> chunk : Sql.inListChunks(sha256s)) {
      Sql.on(
              c,
              "UPDATE blobs SET state = ?, state_at = ? WHERE sha256 IN ("
                  + Sql.inList(chunk.size())
                  + ")")
          .bind(state.sql())
          .bind(now)
          .bindAll(chunk)
          .update();
    }
  }

  /** {@link #delete} of many contents at once. */
  public void deleteAll(Connection c, Collection<String> sha256s) throws SQLException {
    for (List<String> chunk : Sql.inListChunks(sha256s)) {
      Sql.on(c, "DELETE FROM blobs WHERE sha256 IN (" + Sql.inList(chunk.size()) + ")")
          .bindAll(chunk)
          .update();
    }
  }

  public void setState(Connection c, String sha256, State state, long now) throws SQLException {
    Sql.on(c, "UPDATE blobs SET state = ?, state_at = ? WHERE sha256 = ?")
        .bind(state.sql())
        .bind(now)
        .bind(sha256)
        .update();
  }

  public void delete(Connection c, String sha256) throws SQLException {
    Sql.on(c, "DELETE FROM blobs WHERE sha256 = ?").bind(sha256).update();
  }

  /** Contents in {@code state} since {@code before} or earlier, at most {@code limit}. */
  public List<String> inState(Connection c, State state, long before, int limit)
      throws SQLException {
    return Sql.on(
            c,
            "SELECT sha256 FROM blobs WHERE state = ? AND state_at <= ? ORDER BY state_at LIMIT ?")
        .bind(state.sql())
        .bind(before)
        .bind(limit)
        .list(rs -> rs.getString(1));
  }

  /**
   * How many images and trash entries hold this content. One statement, so an entry moving between
   * the two tables in a concurrent transaction is counted once, never zero times.
   */
  public long holders(Connection c, String sha256) throws SQLException {
    return Sql.on(
            c,
            "SELECT (SELECT COUNT(*) FROM images WHERE sha256 = ?)"
                + " + (SELECT COUNT(*) FROM trash WHERE sha256 = ?)")
        .bind(sha256)
        .bind(sha256)
        .number();
  }

  /**
   * {@link #holders} of many contents at once; contents nobody holds are missing. Two index probes
   * per content, an array of up to {@link Sql#ARRAY_MAX} per statement: the {@code IN (…)} lists of
   * 500 that this replaced cost a plan (and on PostgreSQL a parallel start) each, 5-7 s for the
   * 10,000 of a cleanup's dry run at a million images, against ~0.5 s.
   */
  public Map<String, Long> holders(Connection c, Collection<String> sha256s) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    for (List<String> chunk : Sql.arrayChunks(sha256s)) {
      Sql.on(
              c,
              "SELECT s.sha256, (SELECT COUNT(*) FROM images i WHERE i.sha256 = s.sha256)"
                  + " + (SELECT COUNT(*) FROM trash t WHERE t.sha256 = s.sha256)"
                  + " FROM UNNEST(?) AS s(sha256)")
          .bindArray(chunk)
          .forEach(
              rs -> {
                if (rs.getLong(2) > 0) {
                  out.put(rs.getString(1), rs.getLong(2));
                }
              });
    }
    return out;
  }

  // For the consistency check: everything about the contents whose SHA-256 starts with a prefix,
  // so a large store is checked a slice at a time.

  /** The {@code blobs} rows of contents starting with {@code prefix}. */
  public Map<String, ContentRow> rowsWithPrefix(Connection c, String prefix) throws SQLException {
    Map<String, ContentRow> out = new HashMap<>();
    withPrefix(
            c,
            "SELECT sha256, size, state, state_at FROM blobs WHERE sha256 >= ? AND sha256 < ?",
            prefix)
        .forEach(
            rs ->
                out.put(
                    rs.getString(1),
                    new ContentRow(
                        rs.getString(1), rs.getLong(2), State.of(rs.getString(3)), rs.getLong(4))));
    return out;
  }

  /** Image or trash id to content, for those whose content starts with {@code prefix}. */
  public Map<String, String> holdersWithPrefix(Connection c, String table, String prefix)
      throws SQLException {
    if (!table.equals("images") && !table.equals("trash")) {
      throw new IllegalArgumentException(table);
    }
    Map<String, String> out = new HashMap<>();
    withPrefix(c, "SELECT uuid, sha256 FROM " + table + " WHERE sha256 >= ? AND sha256 < ?", prefix)
        .forEach(rs -> out.put(rs.getString(1), rs.getString(2)));
    return out;
  }

  /** The diff pictures (stored without a {@code blobs} row) starting with {@code prefix}. */
  public Set<String> diffPicturesWithPrefix(Connection c, String prefix) throws SQLException {
    return new HashSet<>(
        withPrefix(
                c,
                "SELECT DISTINCT diff_sha256 FROM diffs WHERE diff_sha256 >= ? AND diff_sha256 < ?",
                prefix)
            .list(rs -> rs.getString(1)));
  }

  /** Forgets the diffs whose picture is {@code diffSha256}: they are computed again when asked. */
  public int deleteDiffsWithPicture(Connection c, String diffSha256) throws SQLException {
    return Sql.on(c, "DELETE FROM diffs WHERE diff_sha256 = ?").bind(diffSha256).update();
  }

  /** {@code sql} with {@code prefix} (lowercase hex) bound as the range [prefix, next prefix). */
  private static Sql withPrefix(Connection c, String sql, String prefix) {
    // Every key is lowercase hex: 'g' sorts after 'f', so prefix + "g" bounds the range.
    return Sql.on(c, sql).bind(prefix).bind(prefix + "g");
  }
}
