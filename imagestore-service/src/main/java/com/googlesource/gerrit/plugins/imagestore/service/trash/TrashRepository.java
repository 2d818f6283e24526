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

import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** SQL for the {@code trash} table. Callers own connections and transactions. */
public final class TrashRepository {
  private static final String TRASH_COLUMNS = COLUMNS + ", trashed_at, trashed_by, purge_after";

  private static final String INSERT =
      "INSERT INTO trash (" + TRASH_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  public void insert(Connection c, TrashRecord t) throws SQLException {
    bind(Sql.on(c, INSERT), t).update();
  }

  private static Sql bind(Sql statement, TrashRecord t) {
    return ImageRepository.bind(statement, t.image())
        .bind(t.trashedAt())
        .bind(t.trashedBy())
        .bind(t.purgeAfter());
  }

  public Optional<TrashRecord> find(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + TRASH_COLUMNS + " FROM trash WHERE uuid = ?", uuid);
  }

  /** Like {@link #find} but locks the row until the transaction ends. */
  public Optional<TrashRecord> findForUpdate(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + TRASH_COLUMNS + " FROM trash WHERE uuid = ? FOR UPDATE", uuid);
  }

  /** Locks the entries of those of {@code uuids} in the trash, in uuid order; returns them so. */
  public List<TrashRecord> findAllForUpdate(Connection c, Collection<String> uuids)
      throws SQLException {
    return findAll(c, uuids, " FOR UPDATE");
  }

  /** The entries of those of {@code uuids} in the trash, in uuid order. */
  public List<TrashRecord> findAll(Connection c, Collection<String> uuids) throws SQLException {
    return findAll(c, uuids, "");
  }

  private static List<TrashRecord> findAll(Connection c, Collection<String> uuids, String lock)
      throws SQLException {
    return Sql.byUuids(
        c, "SELECT " + TRASH_COLUMNS + " FROM trash", uuids, lock, TrashRepository::read);
  }

  /** Inserts these entries, one batch. */
  public void insertAll(Connection c, Collection<TrashRecord> entries) throws SQLException {
    Sql insert = Sql.on(c, INSERT);
    for (TrashRecord t : entries) {
      bind(insert, t).add();
    }
    insert.batch();
  }

  /** Deletes those of {@code uuids} in the trash. */
  public void deleteAll(Connection c, Collection<String> uuids) throws SQLException {
    for (List<String> chunk : Sql.inListChunks(uuids)) {
      Sql.on(c, "DELETE FROM trash WHERE uuid IN (" + Sql.inList(chunk.size()) + ")")
          .bindAll(chunk)
          .update();
    }
  }

  private Optional<TrashRecord> findOne(Connection c, String sql, String uuid) throws SQLException {
    return Sql.on(c, sql).bind(uuid).one(TrashRepository::read);
  }

  public boolean delete(Connection c, String uuid) throws SQLException {
    return Sql.on(c, "DELETE FROM trash WHERE uuid = ?").bind(uuid).update() > 0;
  }

  /** Entries in id order, {@code limit} of them after {@code after} (null: from the start). */
  public List<TrashRecord> list(Connection c, String after, int limit) throws SQLException {
    return Sql.on(c, "SELECT " + TRASH_COLUMNS + " FROM trash WHERE uuid > ? ORDER BY uuid LIMIT ?")
        .bind(after == null ? "" : after)
        .bind(limit)
        .list(TrashRepository::read);
  }

  /** Entries whose retention ended at or before {@code now}, the oldest first. */
  public List<TrashRecord> listExpired(Connection c, long now, int limit) throws SQLException {
    return Sql.on(
            c,
            "SELECT "
                + TRASH_COLUMNS
                + " FROM trash WHERE purge_after <= ? ORDER BY purge_after, uuid LIMIT ?")
        .bind(now)
        .bind(limit)
        .list(TrashRepository::read);
  }

  /** Those of {@code uuids} that are in the trash. */
  public List<String> trashedAmong(Connection c, Collection<String> uuids) throws SQLException {
    List<String> out = new ArrayList<>();
    for (List<String> chunk : Sql.matchChunks(c, new TreeSet<>(uuids))) {
      out.addAll(
          Sql.on(c, "SELECT uuid FROM trash WHERE uuid = ANY(?) ORDER BY uuid")
              .bindArray(chunk)
              .list(rs -> rs.getString(1)));
    }
    return out;
  }

  /** Trash entries a reference names. */
  public List<String> trashedAndReferenced(Connection c) throws SQLException {
    return Sql.on(
            c,
            "SELECT uuid FROM trash t WHERE EXISTS"
                + " (SELECT 1 FROM image_references r WHERE r.uuid = t.uuid) ORDER BY uuid")
        .list(rs -> rs.getString(1));
  }

  private static TrashRecord read(ResultSet rs) throws SQLException {
    return new TrashRecord(
        ImageRepository.read(rs),
        rs.getLong("trashed_at"),
        rs.getString("trashed_by"),
        rs.getLong("purge_after"));
  }
}
