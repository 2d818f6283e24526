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

import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import com.googlesource.gerrit.plugins.imagestore.service.images.ReferenceLookup;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.postgresql.PGConnection;

/** SQL for the {@code image_references} table. Callers own connections and transactions. */
public final class ReferenceRepository implements ReferenceLookup {
  /**
   * Inserts references that are not stored yet; returns how many were new. One set-based statement
   * per {@link Sql#ARRAY_MAX} references (the columns as arrays, {@code UNNEST}ed in order), not
   * one statement per reference: a project's first import is tens of thousands of them.
   */
  public int insertIfAbsent(Connection c, Collection<ImageReference> refs, long now)
      throws SQLException {
    int inserted = 0;
    for (List<ImageReference> chunk : Sql.arrayChunks(refs)) {
      inserted +=
          Sql.on(
                  c,
                  "INSERT INTO image_references (project, branch, path, uuid, commit_id, indexed_at)"
                      + " SELECT t.project, t.branch, t.path, t.uuid, t.commit_id, ?"
                      + " FROM UNNEST(?, ?, ?, ?, ?) AS t(project, branch, path, uuid, commit_id)"
                      + " ON CONFLICT DO NOTHING")
              .bind(now)
              .bindArray(column(chunk, ImageReference::project))
              .bindArray(column(chunk, ImageReference::branch))
              .bindArray(column(chunk, ImageReference::path))
              .bindArray(column(chunk, ImageReference::uuid))
              .bindArray(column(chunk, ImageReference::commit))
              .update();
    }
    return inserted;
  }

  /**
   * Inserts one batch of a project's first import, where a reference that exists already is the
   * exception (the project was empty); returns how many were new. On PostgreSQL the batch goes in
   * by {@code COPY}, in a savepoint: no arrays to encode and parse, no speculative insertion (the
   * server's CPU per import fell by more than a third, bench/README.md); a key that exists (a
   * duplicate within the import, a push indexed meanwhile) rolls the savepoint back and the batch
   * goes through {@link #insertIfAbsent} instead. Elsewhere {@link #insertIfAbsent}.
   */
  public int insertNew(Connection c, Collection<ImageReference> refs, long now)
      throws SQLException {
    if (refs.isEmpty() || !Sql.isPostgres(c)) {
      return insertIfAbsent(c, refs, now);
    }
    Savepoint before = c.setSavepoint();
    long copied;
    try {
      copied =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY image_references (project, branch, path, uuid, commit_id, indexed_at)"
                      + " FROM STDIN",
                  new StringReader(copyText(refs, now)));
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback(before);
      return insertIfAbsent(c, refs, now);
    } catch (IOException e) {
      throw new SQLException("COPY of references failed", e);
    }
    c.releaseSavepoint(before);
    return Math.toIntExact(copied);
  }

  private static final String UNIQUE_VIOLATION = "23505";

  /** The rows in COPY's text format: tab-separated, one per line, backslash escapes. */
  static String copyText(Collection<ImageReference> refs, long now) {
    StringBuilder out = new StringBuilder(refs.size() * 200);
    String indexedAt = Long.toString(now);
    for (ImageReference r : refs) {
      copyField(out, r.project()).append('\t');
      copyField(out, r.branch()).append('\t');
      copyField(out, r.path()).append('\t');
      copyField(out, r.uuid()).append('\t');
      copyField(out, r.commit()).append('\t').append(indexedAt).append('\n');
    }
    return out.toString();
  }

  private static StringBuilder copyField(StringBuilder out, String value) {
    // Runs without a character to escape (all of them, nearly always) go in whole.
    int plain = 0;
    for (int i = 0; i < value.length(); i++) {
      String escaped =
          switch (value.charAt(i)) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
          };
      if (escaped != null) {
        out.append(value, plain, i).append(escaped);
        plain = i + 1;
      }
    }
    return out.append(value, plain, value.length());
  }

  private static List<String> column(
      List<ImageReference> refs, Function<ImageReference, String> field) {
    return refs.stream().map(field).toList();
  }

  /** Whether {@code project} has any reference. */
  public boolean hasAny(Connection c, String project) throws SQLException {
    return Sql.on(c, "SELECT 1 FROM image_references WHERE project = ? LIMIT 1")
        .bind(project)
        .exists();
  }

  /** The references of a project, or of one branch of it when {@code branch} is not null. */
  public List<ImageReference> list(Connection c, String project, String branch)
      throws SQLException {
    return list(c, project, branch, BucketSelection.all());
  }

  /**
   * The references of a project (of one branch when not null) whose uuids lie in {@code within}:
   * its uuid ranges, read from the project's rows by the primary key.
   */
  public List<ImageReference> list(
      Connection c, String project, String branch, BucketSelection within) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT project, branch, path, uuid, commit_id FROM image_references WHERE project = ?");
    if (branch != null) {
      sql.append(" AND branch = ?");
    }
    List<BucketSelection.UuidRange> ranges = within.isAll() ? List.of() : within.ranges();
    if (!ranges.isEmpty()) {
      // Lowercase hex compares the same in every collation; "C" says so to any database.
      String collate = byteOrderCollation(c);
      List<String> conditions = new ArrayList<>();
      for (BucketSelection.UuidRange range : ranges) {
        conditions.add(
            "(uuid"
                + collate
                + " >= ?"
                + (range.below() == null ? "" : " AND uuid" + collate + " < ?")
                + ")");
      }
      sql.append(" AND (").append(String.join(" OR ", conditions)).append(')');
    }
    Sql query = Sql.on(c, sql.toString()).bind(project);
    if (branch != null) {
      query.bind(branch);
    }
    for (BucketSelection.UuidRange range : ranges) {
      query.bind(range.from());
      if (range.below() != null) {
        query.bind(range.below());
      }
    }
    return query.list(ReferenceRepository::read);
  }

  /**
   * Hands the {@link ReferenceSetDigest#key}s of a project's references (of one branch when not
   * null) to {@code consumer} in the digest's order as far as the database sorts so, streamed
   * ({@link Sql#stream}: in a transaction). PostgreSQL sorts by bytes ({@code COLLATE "C"}), H2 by
   * {@link String#compareTo} already; the two differ only between characters beyond U+FFFF and
   * U+E000..U+FFFF, which the caller detects ({@link ReferenceSetDigest.Sorted#add}).
   */
  public void forEachKey(Connection c, String project, String branch, KeyConsumer consumer)
      throws SQLException {
    String collate = byteOrderCollation(c);
    String sql =
        "SELECT branch, path, uuid FROM image_references WHERE project = ?"
            + (branch == null ? "" : " AND branch = ?")
            + " ORDER BY branch"
            + collate
            + ", path"
            + collate
            + ", uuid"
            + collate;
    Sql query = Sql.on(c, sql).bind(project);
    if (branch != null) {
      query.bind(branch);
    }
    query.stream(
        rs ->
            consumer.accept(
                ReferenceSetDigest.key(rs.getString(1), rs.getString(2), rs.getString(3))));
  }

  /**
   * What makes PostgreSQL sort by bytes: nothing when the database's collation does already (the
   * primary key's order then serves, no sort), else {@code COLLATE "C"}. Nothing on H2.
   */
  private static String byteOrderCollation(Connection c) throws SQLException {
    if (!Sql.isPostgres(c)) {
      return "";
    }
    String collation =
        Sql.on(c, "SELECT datcollate FROM pg_database WHERE datname = current_database()")
            .one(rs -> rs.getString(1))
            .orElse("");
    return collation.equals("C") || collation.equals("POSIX") || collation.startsWith("C.")
        ? ""
        : " COLLATE \"C\"";
  }

  /** Takes one reference's digest key. */
  @FunctionalInterface
  public interface KeyConsumer {
    void accept(String key) throws SQLException;
  }

  @Override
  public List<ImageReference> findByUuid(Connection c, String uuid, int limit) throws SQLException {
    return Sql.on(
            c,
            "SELECT project, branch, path, uuid, commit_id FROM image_references WHERE uuid = ?"
                + " ORDER BY project, branch, path LIMIT ?")
        .bind(uuid)
        .bind(limit)
        .list(ReferenceRepository::read);
  }

  @Override
  public boolean isReferenced(Connection c, String uuid) throws SQLException {
    return Sql.on(c, "SELECT 1 FROM image_references WHERE uuid = ? LIMIT 1").bind(uuid).exists();
  }

  // IN lists, not = ANY(?): H2 answers ANY by testing every row against the array; both
  // databases probe the index once per listed value.
  @Override
  public Set<String> referencedAmong(Connection c, Collection<String> uuids) throws SQLException {
    Set<String> out = new HashSet<>();
    for (List<String> chunk : Sql.inListChunks(new TreeSet<>(uuids))) {
      Sql.on(
              c,
              "SELECT DISTINCT uuid FROM image_references WHERE uuid IN ("
                  + Sql.inList(chunk.size())
                  + ")")
          .bindAll(chunk)
          .forEach(rs -> out.add(rs.getString(1)));
    }
    return out;
  }

  /** Deletes the given references (matched on project, branch, path and uuid). */
  public int delete(Connection c, Collection<ImageReference> refs) throws SQLException {
    Sql batch =
        Sql.on(
            c,
            "DELETE FROM image_references WHERE project = ? AND branch = ? AND path = ?"
                + " AND uuid = ?");
    for (ImageReference r : refs) {
      batch.bind(r.project()).bind(r.branch()).bind(r.path()).bind(r.uuid()).add();
    }
    return batch.batch();
  }

  private static ImageReference read(ResultSet rs) throws SQLException {
    return new ImageReference(
        rs.getString(1), rs.getString(2), rs.getString(5), rs.getString(3), rs.getString(4));
  }
}
