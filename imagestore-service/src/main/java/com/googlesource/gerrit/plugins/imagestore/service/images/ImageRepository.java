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

package com.googlesource.gerrit.plugins.imagestore.service.images;

import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.SpecInfo;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * SQL for the {@code images} and {@code blobs} tables. Callers own connections and transactions.
 */
public final class ImageRepository {
  /** The columns of an image, in {@link #read} order; the {@code trash} table has them too. */
  public static final String COLUMNS =
      "uuid, sha256, size, width, height, created_at, uploaded_by, spec_lib, spec_name,"
          + " spec_branch, platform, resolution, browser, theme, direction, mode, orphaned_at";

  public Optional<ImageRecord> find(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + COLUMNS + " FROM images WHERE uuid = ?", uuid);
  }

  /** Like {@link #find} but locks the row until the transaction ends. */
  public Optional<ImageRecord> findForUpdate(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + COLUMNS + " FROM images WHERE uuid = ? FOR UPDATE", uuid);
  }

  private Optional<ImageRecord> findOne(Connection c, String sql, String uuid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uuid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  public void insert(Connection c, ImageRecord r) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO images (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      bind(ps, r);
      ps.executeUpdate();
    }
  }

  /** Sets parameters 1 to 17 to the {@link #COLUMNS} of {@code r}. */
  public static void bind(PreparedStatement ps, ImageRecord r) throws SQLException {
    SpecInfo spec = r.spec() == null ? new SpecInfo() : r.spec();
    RuntimeInfo rt = r.runtime() == null ? new RuntimeInfo() : r.runtime();
    ps.setString(1, r.uuid());
    ps.setString(2, r.sha256());
    ps.setLong(3, r.size());
    ps.setInt(4, r.width());
    ps.setInt(5, r.height());
    ps.setLong(6, r.createdAt());
    ps.setString(7, r.uploadedBy());
    ps.setString(8, spec.lib);
    ps.setString(9, spec.name);
    ps.setString(10, spec.branch);
    ps.setString(11, rt.platform);
    ps.setString(12, rt.resolution);
    ps.setString(13, rt.browser);
    ps.setString(14, rt.theme);
    ps.setString(15, rt.direction);
    ps.setString(16, rt.mode);
    if (r.orphanedAt() == null) {
      ps.setNull(17, Types.BIGINT);
    } else {
      ps.setLong(17, r.orphanedAt());
    }
  }

  public boolean delete(Connection c, String uuid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE uuid = ?")) {
      ps.setString(1, uuid);
      return ps.executeUpdate() > 0;
    }
  }

  /** Image ids in order, {@code limit} of them after {@code after} (null: from the start). */
  public List<String> listIds(Connection c, String after, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT uuid FROM images WHERE uuid > ? ORDER BY uuid LIMIT ?")) {
      ps.setString(1, after == null ? "" : after);
      ps.setInt(2, limit);
      return strings(ps);
    }
  }

  /**
   * Which orphans to list: orphaned at or before {@code orphanedBefore}, of one runtime (null: any)
   * and with a spec name or library containing {@code spec} (null: any; case-insensitive).
   */
  public record OrphanFilter(long orphanedBefore, RuntimeInfo runtime, String spec) {}

  /** Unreferenced images that pass {@code filter}, in id order. */
  public List<ImageRecord> listOrphans(Connection c, OrphanFilter filter, String after, int limit)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM images i WHERE orphaned_at IS NOT NULL AND orphaned_at <= ?")
            .append(" AND uuid > ? AND NOT EXISTS")
            .append(" (SELECT 1 FROM image_references r WHERE r.uuid = i.uuid)");
    List<Object> args =
        new ArrayList<>(List.of(filter.orphanedBefore(), after == null ? "" : after));
    RuntimeInfo rt = filter.runtime();
    if (rt != null) {
      sql.append(
          " AND platform = ? AND resolution = ? AND browser = ? AND theme = ? AND direction = ?"
              + " AND mode = ?");
      args.addAll(List.of(rt.platform, rt.resolution, rt.browser, rt.theme, rt.direction, rt.mode));
    }
    if (filter.spec() != null) {
      sql.append(
          " AND (LOWER(spec_name) LIKE ? ESCAPE '\\' OR LOWER(spec_lib) LIKE ? ESCAPE '\\')");
      String pattern = "%" + likeEscape(filter.spec().toLowerCase(Locale.ROOT)) + "%";
      args.add(pattern);
      args.add(pattern);
    }
    sql.append(" ORDER BY uuid LIMIT ?");
    args.add(limit);
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<ImageRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    }
  }

  /** Escapes LIKE's wildcards (and the escape character) so {@code text} matches literally. */
  static String likeEscape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  public void setOrphanedAt(Connection c, String uuid, Long orphanedAt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE images SET orphaned_at = ? WHERE uuid = ?")) {
      if (orphanedAt == null) {
        ps.setNull(1, Types.BIGINT);
      } else {
        ps.setLong(1, orphanedAt);
      }
      ps.setString(2, uuid);
      ps.executeUpdate();
    }
  }

  /** Clears the orphan marks of these images (they are referenced now). */
  public void clearOrphanMarks(Connection c, Collection<String> uuids) throws SQLException {
    updateEach(
        c,
        "UPDATE images SET orphaned_at = NULL WHERE uuid = ? AND orphaned_at IS NOT NULL",
        uuids);
  }

  /** Runs {@code sql}, whose one parameter is an image id, for each of {@code uuids} in a batch. */
  private static void updateEach(Connection c, String sql, Collection<String> uuids)
      throws SQLException {
    if (uuids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (String uuid : uuids) {
        ps.setString(1, uuid);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Marks those of these images that no reference names as orphaned at {@code now}. */
  public void markOrphanedIfUnreferenced(Connection c, Collection<String> uuids, long now)
      throws SQLException {
    if (uuids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE images SET orphaned_at = ? WHERE uuid = ? AND orphaned_at IS NULL"
                + " AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid)")) {
      for (String uuid : uuids) {
        ps.setLong(1, now);
        ps.setString(2, uuid);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Marks every unreferenced image that is not marked yet as orphaned at {@code now}. */
  public int markUnreferenced(Connection c, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE images SET orphaned_at = ? WHERE orphaned_at IS NULL AND NOT EXISTS"
                + " (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid)")) {
      ps.setLong(1, now);
      return ps.executeUpdate();
    }
  }

  /**
   * A recheck of orphan marks that a change owes: the images it touched, recorded in the changing
   * transaction under a token of its own ({@link #owe}), settled by {@link #recheckOrphanMarks}
   * after it commits.
   */
  public record OwedRecheck(String token, Set<String> uuids) {
    public static OwedRecheck of(Collection<String> uuids) {
      return new OwedRecheck(UUID.randomUUID().toString().replace("-", ""), new TreeSet<>(uuids));
    }
  }

  /**
   * Inside the changing transaction: records that the marks of {@code owed.uuids()} are to be
   * rechecked once it commits, so that a crash before the recheck leaves the debt for the next
   * start or sweep ({@link #recheckOwed}) instead of a mark out of step for good.
   */
  public void owe(Connection c, OwedRecheck owed, long now) throws SQLException {
    if (owed.uuids().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO orphan_rechecks (token, uuid, since) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      for (String uuid : owed.uuids()) {
        ps.setString(1, owed.token());
        ps.setString(2, uuid);
        ps.setLong(3, now);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Sets the orphan marks of the images a committed change touched from the references committed
   * now: cleared where a reference names the image, set to {@code now} where none does (an existing
   * mark is kept); and settles the change's debt ({@link #owe}) in the same transaction.
   *
   * <p>It runs in a transaction of its own, to be started after a change of images or references
   * commits. It locks the image rows first (in uuid order, as every writer does), so its checks are
   * statements that start after every concurrent recheck of these rows has committed and see
   * everything committed before: whichever recheck of an image runs last sets its mark right.
   * Checking inside the changing transaction cannot: two removals of an image's last two references
   * each still see the other's, and an upload cannot see a reference being added.
   */
  public void recheckOrphanMarks(Database db, OwedRecheck owed, long now) {
    if (owed.uuids().isEmpty()) {
      return;
    }
    db.inTransaction(
        c -> {
          recheckOrphanMarks(c, owed.uuids(), now);
          settle(c, owed.token(), owed.uuids());
          return null;
        });
  }

  /**
   * Rechecks what changes owe since {@code before} or earlier: left by a crash between a change and
   * its recheck (or still being settled by a running one; a second recheck is harmless). At most
   * {@code limit} images; returns how many were rechecked.
   */
  public int recheckOwed(Database db, long before, int limit, long now) {
    Map<String, Set<String>> byToken =
        db.read(
            c -> {
              Map<String, Set<String>> out = new TreeMap<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT token, uuid FROM orphan_rechecks WHERE since <= ?"
                          + " ORDER BY since LIMIT ?")) {
                ps.setLong(1, before);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                  }
                }
              }
              return out;
            });
    int n = 0;
    for (Map.Entry<String, Set<String>> e : byToken.entrySet()) {
      recheckOrphanMarks(db, new OwedRecheck(e.getKey(), e.getValue()), now);
      n += e.getValue().size();
    }
    return n;
  }

  private static void settle(Connection c, String token, Collection<String> uuids)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM orphan_rechecks WHERE token = ? AND uuid = ?")) {
      for (String uuid : uuids) {
        ps.setString(1, token);
        ps.setString(2, uuid);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** How many image rechecks changes have owed since {@code before} or earlier. */
  public int countOwed(Connection c, long before) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM orphan_rechecks WHERE since <= ?")) {
      ps.setLong(1, before);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Whether image {@code uuid}'s mark disagrees with its references and no recheck is owed. */
  public boolean marksOutOfStep(Connection c, String uuid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(OUT_OF_STEP + " AND uuid = ?")) {
      ps.setString(1, uuid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static final String OUT_OF_STEP =
      "SELECT uuid FROM images i WHERE ((orphaned_at IS NULL AND NOT EXISTS"
          + " (SELECT 1 FROM image_references r WHERE r.uuid = i.uuid))"
          + " OR (orphaned_at IS NOT NULL AND EXISTS"
          + " (SELECT 1 FROM image_references r WHERE r.uuid = i.uuid)))"
          + " AND NOT EXISTS (SELECT 1 FROM orphan_rechecks o WHERE o.uuid = i.uuid)";

  /**
   * Images whose mark disagrees with their references now and that no change still owes a recheck:
   * referenced but marked orphaned, or unreferenced but not marked. At most {@code limit}.
   */
  public List<String> marksOutOfStep(Connection c, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(OUT_OF_STEP + " ORDER BY uuid LIMIT ?")) {
      ps.setInt(1, limit);
      return strings(ps);
    }
  }

  private void recheckOrphanMarks(Connection c, Collection<String> uuids, long now)
      throws SQLException {
    List<String> sorted = new ArrayList<>(new TreeSet<>(uuids));
    for (int from = 0; from < sorted.size(); from += LOCK_CHUNK) {
      List<String> chunk = sorted.subList(from, Math.min(sorted.size(), from + LOCK_CHUNK));
      String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT uuid FROM images WHERE uuid IN (" + marks + ") ORDER BY uuid FOR UPDATE")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            // Locked.
          }
        }
      }
    }
    updateEach(
        c,
        "UPDATE images SET orphaned_at = NULL WHERE uuid = ? AND orphaned_at IS NOT NULL"
            + " AND EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid)",
        sorted);
    markOrphanedIfUnreferenced(c, sorted, now);
  }

  /** How many image rows {@link #recheckOrphanMarks} locks with one statement. */
  private static final int LOCK_CHUNK = 500;

  /** Clears the orphan mark of every image that is referenced again. */
  public int clearReferenced(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE images SET orphaned_at = NULL WHERE orphaned_at IS NOT NULL AND EXISTS"
                + " (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid)")) {
      return ps.executeUpdate();
    }
  }

  public long count(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM images");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static List<String> strings(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Reads the {@link #COLUMNS} of the current row. */
  public static ImageRecord read(ResultSet rs) throws SQLException {
    SpecInfo spec = null;
    if (rs.getString("spec_lib") != null
        || rs.getString("spec_name") != null
        || rs.getString("spec_branch") != null) {
      spec = new SpecInfo();
      spec.lib = rs.getString("spec_lib");
      spec.name = rs.getString("spec_name");
      spec.branch = rs.getString("spec_branch");
    }
    RuntimeInfo rt = null;
    if (rs.getString("platform") != null || rs.getString("browser") != null) {
      rt = new RuntimeInfo();
      rt.platform = rs.getString("platform");
      rt.resolution = rs.getString("resolution");
      rt.browser = rs.getString("browser");
      rt.theme = rs.getString("theme");
      rt.direction = rs.getString("direction");
      rt.mode = rs.getString("mode");
    }
    long orphanedMillis = rs.getLong("orphaned_at");
    Long orphanedAt = rs.wasNull() ? null : orphanedMillis;
    return new ImageRecord(
        rs.getString("uuid"),
        rs.getString("sha256"),
        rs.getLong("size"),
        rs.getInt("width"),
        rs.getInt("height"),
        rs.getLong("created_at"),
        rs.getString("uploaded_by"),
        spec,
        rt,
        orphanedAt);
  }
}
