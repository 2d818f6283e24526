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

import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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

  /** The content of the image under {@code uuid}: what a download reads, and nothing else. */
  public Optional<ImageContent> findContent(Connection c, String uuid) throws SQLException {
    return Sql.on(c, "SELECT sha256, size FROM images WHERE uuid = ?")
        .bind(uuid)
        .one(rs -> new ImageContent(rs.getString(1), rs.getLong(2)));
  }

  /**
   * What an upload under an id needs to know before it inserts the image: the content of the image
   * under the id and of a trash entry under it (null without one), and whether a reference names
   * it.
   */
  public record UploadProbe(String imageSha256, String trashedSha256, boolean referenced) {}

  /**
   * {@link UploadProbe}s of the ids of uploads recorded together, by id, read with one statement
   * (three index probes per id).
   */
  public Map<String, UploadProbe> probeForUploads(Connection c, Collection<String> uuids)
      throws SQLException {
    Map<String, UploadProbe> out = new HashMap<>();
    for (List<String> chunk : Sql.arrayChunks(new TreeSet<>(uuids))) {
      Sql.on(
              c,
              "SELECT u.uuid, (SELECT i.sha256 FROM images i WHERE i.uuid = u.uuid),"
                  + " (SELECT t.sha256 FROM trash t WHERE t.uuid = u.uuid),"
                  + " EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = u.uuid)"
                  + " FROM UNNEST(?) AS u(uuid)")
          .bindArray(chunk)
          .forEach(
              rs ->
                  out.put(
                      rs.getString(1),
                      new UploadProbe(rs.getString(2), rs.getString(3), rs.getBoolean(4))));
    }
    return out;
  }

  /** Like {@link #find} but locks the row until the transaction ends. */
  public Optional<ImageRecord> findForUpdate(Connection c, String uuid) throws SQLException {
    return findOne(c, "SELECT " + COLUMNS + " FROM images WHERE uuid = ? FOR UPDATE", uuid);
  }

  private Optional<ImageRecord> findOne(Connection c, String sql, String uuid) throws SQLException {
    return Sql.on(c, sql).bind(uuid).one(ImageRepository::read);
  }

  public void insert(Connection c, ImageRecord r) throws SQLException {
    bind(Sql.on(c, INSERT), r).update();
  }

  /** Inserts these images as one batch, in uuid order (as every writer of images locks them). */
  public void insertAll(Connection c, Collection<ImageRecord> records) throws SQLException {
    Sql insert = Sql.on(c, INSERT);
    for (ImageRecord r :
        records.stream().sorted(Comparator.comparing(ImageRecord::uuid)).toList()) {
      bind(insert, r).add();
    }
    insert.batch();
  }

  private static final String INSERT =
      "INSERT INTO images (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  /** Binds the {@link #COLUMNS} of {@code r}, in order. */
  public static Sql bind(Sql statement, ImageRecord r) {
    TestSpec spec = r.spec() == null ? new TestSpec(null, null, null) : r.spec();
    TestRuntime rt =
        r.runtime() == null ? new TestRuntime(null, null, null, null, null, null) : r.runtime();
    statement
        .bind(r.uuid())
        .bind(r.sha256())
        .bind(r.size())
        .bind(r.width())
        .bind(r.height())
        .bind(r.createdAt())
        .bind(r.uploadedBy())
        .bind(spec.lib())
        .bind(spec.name())
        .bind(spec.branch());
    return bindDimensions(statement, rt).bind(r.orphanedAt());
  }

  /** Binds the six runtime columns, in {@link #COLUMNS} order. */
  private static Sql bindDimensions(Sql statement, TestRuntime rt) {
    return statement
        .bind(rt.platform())
        .bind(rt.resolution())
        .bind(rt.browser())
        .bind(rt.theme())
        .bind(rt.direction())
        .bind(rt.mode());
  }

  public boolean delete(Connection c, String uuid) throws SQLException {
    return Sql.on(c, "DELETE FROM images WHERE uuid = ?").bind(uuid).update() > 0;
  }

  /**
   * Locks the rows of those of {@code uuids} that exist, in uuid order (as every writer of images
   * locks them), and returns them in that order. IN lists, not {@code = ANY(?)}: H2 tests every row
   * against an array, while both databases probe the primary key once per listed id.
   */
  public List<ImageRecord> findAllForUpdate(Connection c, Collection<String> uuids)
      throws SQLException {
    return findAll(c, uuids, " FOR UPDATE");
  }

  /** Those of {@code uuids} that exist, in uuid order. */
  public List<ImageRecord> findAll(Connection c, Collection<String> uuids) throws SQLException {
    return findAll(c, uuids, "");
  }

  private static List<ImageRecord> findAll(Connection c, Collection<String> uuids, String lock)
      throws SQLException {
    return Sql.byUuids(c, "SELECT " + COLUMNS + " FROM images", uuids, lock, ImageRepository::read);
  }

  /** Deletes these images (their rows locked by the caller). */
  public void deleteAll(Connection c, Collection<String> uuids) throws SQLException {
    for (List<String> chunk : Sql.inListChunks(uuids)) {
      Sql.on(c, "DELETE FROM images WHERE uuid IN (" + Sql.inList(chunk.size()) + ")")
          .bindAll(chunk)
          .update();
    }
  }

  /** Image ids in order, {@code limit} of them after {@code after} (null: from the start). */
  public List<String> listIds(Connection c, String after, int limit) throws SQLException {
    return Sql.on(c, "SELECT uuid FROM images WHERE uuid > ? ORDER BY uuid LIMIT ?")
        .bind(after == null ? "" : after)
        .bind(limit)
        .list(ImageRepository::uuid);
  }

  /**
   * Which orphans to list: orphaned at or before {@code orphanedBefore}, of one runtime (null: any)
   * and with a spec name or library containing {@code spec} (null: any; case-insensitive).
   */
  public record OrphanFilter(long orphanedBefore, TestRuntime runtime, String spec) {}

  /**
   * Unreferenced images that pass {@code filter}, in id order. The page's ids are chosen first from
   * the filter columns alone: on PostgreSQL an index-only scan of the covering partial index {@code
   * images_orphans} (or {@code images_orphans_runtime}) in id order, V11, that stops when the page
   * is full; only the chosen rows are then read from the table, so a page costs the orphans walked
   * to fill it, not the store. Reading whole rows in the walk would fetch a random table page per
   * orphan tested. On H2, without a runtime or spec filter, the walk is the index of the marked
   * images' ids ({@code images_orphan_uuid}, V13), reading each row it tests.
   *
   * <p>The walk is a subquery of its own ({@code OFFSET 0}: PostgreSQL neither merges it into the
   * outer query nor pushes the spec filter or the anti-join into it), planned as "every marked
   * orphan in id order", whose cheapest plan is that ordered index walk; the outer query only reads
   * it until the page is full. Without the fence the planner saw the spec filter ({@code LIKE
   * '%…%'}, guessed at 0.5 %) and the anti-join (guessed to drop 90 %, where it drops nearly none:
   * the marked are the unreferenced) as leaving fewer rows than the page, so it read and sorted
   * every match instead (1-5 s at a million images: the spec-only listing, the cleanup's 10,000).
   */
  public List<ImageRecord> listOrphans(Connection c, OrphanFilter filter, String after, int limit)
      throws SQLException {
    TestRuntime rt = filter.runtime();
    String runtime =
        rt == null
            ? ""
            : " AND platform = ? AND resolution = ? AND browser = ? AND theme = ?"
                + " AND direction = ? AND mode = ?";
    String spec =
        filter.spec() == null
            ? ""
            : " AND (LOWER(spec_name) LIKE ? ESCAPE '\\' OR LOWER(spec_lib) LIKE ? ESCAPE '\\')";
    Sql query;
    if (Sql.isPostgres(c) || rt != null || filter.spec() != null) {
      query =
          Sql.on(
                  c,
                  "SELECT "
                      + COLUMNS
                      + " FROM images i JOIN (SELECT uuid AS page_uuid FROM (SELECT uuid,"
                      + " spec_name, spec_lib FROM images WHERE orphaned_at IS NOT NULL"
                      + " AND orphaned_at <= ? AND uuid > ?"
                      + runtime
                      + " ORDER BY uuid OFFSET 0) o WHERE"
                      + UNREFERENCED
                      + spec
                      + " ORDER BY uuid LIMIT ?) p ON i.uuid = p.page_uuid ORDER BY i.uuid")
              .bind(filter.orphanedBefore())
              .bind(after == null ? "" : after);
    } else {
      // H2 without a runtime or spec filter (the management page, the cleanup's grace period
      // alone): see H2_ORPHAN_WALK. Not with a filter: without a covering index each orphan walked
      // is a random read of its row (about 5x the cost per orphan of reading them in
      // images_orphaned_at's order), and a filter that few orphans pass walks them all, so there
      // every orphan is read in mark-time order and sorted.
      query =
          Sql.on(c, H2_ORPHAN_WALK).bind(after == null ? "" : after).bind(filter.orphanedBefore());
    }
    if (rt != null) {
      bindDimensions(query, rt);
    }
    if (filter.spec() != null) {
      String pattern = "%" + likeEscape(filter.spec().toLowerCase(Locale.ROOT)) + "%";
      query.bind(pattern).bind(pattern);
    }
    return query.bind(limit).list(ImageRepository::read);
  }

  /** The orphan listings' test of the image {@code o}: no reference names it. */
  private static final String UNREFERENCED =
      " NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = o.uuid)";

  /**
   * A page of orphans on H2 without a runtime or spec filter: in id order on V13's {@code
   * images_orphan_uuid}, which holds the ids of the marked images only, from {@code after}; the
   * walk stops when the page is full. Named, as H2's planner would rather take {@code
   * images_orphaned_at} for the mark-time bound and sort every orphan. The upper bound ends the
   * walk at the last marked id: without it H2 went on through the index's nulls (sorted last), one
   * per unmarked image, so a short last page read the whole table. Parameters: after, orphaned
   * before, limit.
   */
  static final String H2_ORPHAN_WALK =
      "SELECT "
          + COLUMNS
          + " FROM images o USE INDEX (images_orphan_uuid) WHERE orphan_uuid > ?"
          + " AND orphan_uuid <= 'ffffffffffffffffffffffffffffffff' AND orphaned_at <= ? AND"
          + UNREFERENCED
          + " ORDER BY orphan_uuid LIMIT ?";

  /** Escapes LIKE's wildcards (and the escape character) so {@code text} matches literally. */
  static String likeEscape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  public void setOrphanedAt(Connection c, String uuid, Long orphanedAt) throws SQLException {
    Sql.on(c, "UPDATE images SET orphaned_at = ? WHERE uuid = ?")
        .bind(orphanedAt)
        .bind(uuid)
        .update();
  }

  /**
   * Clears the orphan marks of these images (they are referenced now). The marked rows are locked
   * first, in uuid order (as every writer locks image rows), then cleared by one set-based update.
   */
  public void clearOrphanMarks(Connection c, Collection<String> uuids) throws SQLException {
    for (List<String> chunk : Sql.matchChunks(c, new TreeSet<>(uuids))) {
      // Only the rows locked are updated: most images an import names are not marked (or not
      // stored yet), and a statement over all of them would find nothing to clear.
      List<String> marked = lockInOrder(c, chunk, " AND orphaned_at IS NOT NULL");
      if (!marked.isEmpty()) {
        Sql.on(
                c,
                "UPDATE images SET orphaned_at = NULL WHERE uuid = ANY(?)"
                    + " AND orphaned_at IS NOT NULL")
            .bindArray(marked)
            .update();
      }
    }
  }

  /**
   * Locks the rows of those of {@code uuids} (one of {@link Sql#matchChunks}) that match {@code
   * condition}, in uuid order: a set-based update alone would lock them in whatever order its plan
   * visits them, and two such updates could deadlock. Returns the ids of the locked rows.
   */
  private static List<String> lockInOrder(Connection c, List<String> uuids, String condition)
      throws SQLException {
    return Sql.on(
            c,
            "SELECT uuid FROM images WHERE uuid = ANY(?)" + condition + " ORDER BY uuid FOR UPDATE")
        .bindArray(uuids)
        .list(ImageRepository::uuid);
  }

  /** Marks those of these images that no reference names as orphaned at {@code now}. */
  public void markOrphanedIfUnreferenced(Connection c, Collection<String> uuids, long now)
      throws SQLException {
    for (List<String> chunk : Sql.matchChunks(c, new TreeSet<>(uuids))) {
      markIfUnreferenced(c, chunk, now);
    }
  }

  /** Marks the unmarked unreferenced images of {@code chunk} (one of {@link Sql#matchChunks}). */
  private static int markIfUnreferenced(Connection c, List<String> chunk, long now)
      throws SQLException {
    return Sql.on(
            c,
            "UPDATE images SET orphaned_at = ? WHERE uuid = ANY(?) AND orphaned_at IS NULL"
                + " AND NOT EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid)")
        .bind(now)
        .bindArray(chunk)
        .update();
  }

  /**
   * Clears the marks of the referenced images of {@code chunk} (one of {@link Sql#matchChunks}).
   */
  private static int clearIfReferenced(Connection c, List<String> chunk) throws SQLException {
    return Sql.on(
            c,
            "UPDATE images SET orphaned_at = NULL WHERE uuid = ANY(?) AND orphaned_at IS NOT NULL"
                + " AND EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = images.uuid)")
        .bindArray(chunk)
        .update();
  }

  /**
   * A slice of the images in id order, for the marking pass of a recomputation: ids after {@code
   * after} ("" for the first) up to {@code last} (inclusive; null for no end).
   */
  public record IdRange(String after, String last) {
    /** The condition on {@code column}, to bind with {@link #bind}. */
    private String where(String column) {
      return " " + column + " > ?" + (last == null ? "" : " AND " + column + " <= ?");
    }

    private Sql bind(Sql statement) {
      statement.bind(after);
      return last == null ? statement : statement.bind(last);
    }
  }

  /**
   * The range of the next {@code size} images after {@code after}: bounded by the id of the size-th
   * (an index-only scan of the primary key), or open when fewer follow (so images added meanwhile
   * are in it).
   */
  public IdRange nextRange(Connection c, String after, int size) throws SQLException {
    String last =
        Sql.on(c, "SELECT uuid FROM images WHERE uuid > ? ORDER BY uuid LIMIT 1 OFFSET ?")
            .bind(after)
            .bind(size - 1)
            .one(ImageRepository::uuid)
            .orElse(null);
    return new IdRange(after, last);
  }

  /**
   * Marks the unreferenced images of {@code range} that are not marked yet as orphaned at {@code
   * now}; returns how many.
   *
   * <p>The unreferenced ones are found from the two indexes alone, the primary key and {@code
   * image_references_uuid} read side by side over the same id range (a merge anti join on
   * PostgreSQL): the range on the references is spelled out, the planner does not carry it over.
   * Only those few are then read from the table, locked in uuid order and marked. Reading the mark
   * of every image of an id range instead visits a table page per image.
   */
  public int markUnreferenced(Connection c, IdRange range, long now) throws SQLException {
    List<String> unreferenced =
        range
            .bind(
                range.bind(
                    Sql.on(
                        c,
                        "SELECT uuid FROM images i WHERE"
                            + range.where("uuid")
                            + " AND NOT EXISTS (SELECT 1 FROM image_references r WHERE"
                            + " r.uuid = i.uuid AND"
                            + range.where("r.uuid")
                            + ")")))
            .list(ImageRepository::uuid);
    int marked = 0;
    for (List<String> chunk : Sql.matchChunks(c, new TreeSet<>(unreferenced))) {
      List<String> unmarked = lockInOrder(c, chunk, " AND orphaned_at IS NULL");
      if (!unmarked.isEmpty()) {
        marked += markIfUnreferenced(c, unmarked, now);
      }
    }
    return marked;
  }

  /**
   * A slice of the table in storage order, for the clearing pass of a recomputation: on PostgreSQL
   * pages {@code from} to {@code to} (exclusive; -1 for no end) by their {@code ctid} (a TID range
   * scan), on H2 the same by {@code _ROWID_}.
   */
  public record TableSlice(long from, long to) {}

  /**
   * How far the table reaches in {@link TableSlice} units: PostgreSQL's pages, H2's row ids. Rows
   * added later lie beyond (the last slice is open).
   */
  public long tableExtent(Connection c) throws SQLException {
    return Sql.isPostgres(c)
        ? Sql.on(
                c,
                "SELECT pg_relation_size('images') / CAST(current_setting('block_size') AS bigint)")
            .number()
        : Sql.on(c, "SELECT COALESCE(MAX(_ROWID_), 0) + 1 FROM images").number();
  }

  /**
   * Clears the marks of the images of {@code slice} that are referenced; returns how many. The
   * marked rows of the slice are read in storage order (each page once over the whole pass), the
   * referenced ones locked in uuid order and cleared.
   */
  public int clearReferenced(Connection c, TableSlice slice) throws SQLException {
    boolean pg = Sql.isPostgres(c);
    String position = pg ? "ctid" : "_ROWID_";
    String bound = pg ? "CAST(? AS tid)" : "?";
    Sql query =
        Sql.on(
            c,
            "SELECT uuid FROM images i WHERE "
                + position
                + " >= "
                + bound
                + (slice.to() < 0 ? "" : " AND " + position + " < " + bound)
                + " AND orphaned_at IS NOT NULL"
                + " AND EXISTS (SELECT 1 FROM image_references r WHERE r.uuid = i.uuid)");
    bindPosition(query, pg, slice.from());
    if (slice.to() >= 0) {
      bindPosition(query, pg, slice.to());
    }
    int cleared = 0;
    for (List<String> chunk :
        Sql.matchChunks(c, new TreeSet<>(query.list(ImageRepository::uuid)))) {
      List<String> marked = lockInOrder(c, chunk, " AND orphaned_at IS NOT NULL");
      if (!marked.isEmpty()) {
        cleared += clearIfReferenced(c, marked);
      }
    }
    return cleared;
  }

  private static void bindPosition(Sql query, boolean postgres, long position) {
    if (postgres) {
      query.bind("(" + position + ",0)");
    } else {
      query.bind(position);
    }
  }

  /**
   * A recheck of orphan marks that a change owes: the images it touched, recorded in the changing
   * transaction under a token of its own ({@link #owe}), settled by {@link #recheckOrphanMarks}
   * after it commits. {@code uuids} are owed one row each; {@code importedUuids}, the images that
   * the references the change inserted name, are owed as one row ({@code imported}, null when there
   * are none). {@code whole}: {@code uuids} are every row owed under the token (a change's own
   * recheck), so its settling deletes them by the token alone; false for a part of them read back
   * by {@link #recheckOwed}, whose settling deletes exactly its rows.
   */
  public record OwedRecheck(
      String token,
      Set<String> uuids,
      Set<String> importedUuids,
      ImportedReferences imported,
      boolean whole) {
    public static OwedRecheck of(Collection<String> uuids) {
      return new OwedRecheck(newToken(), new TreeSet<>(uuids), Set.of(), null, true);
    }

    /**
     * What a change owes that removed references to {@code removed} (one row each: no reference
     * names them any more) and inserted references of {@code imported} to {@code added} (one row).
     */
    public static OwedRecheck ofImport(
        Collection<String> removed, Collection<String> added, ImportedReferences imported) {
      return new OwedRecheck(
          newToken(),
          new TreeSet<>(removed),
          new TreeSet<>(added),
          added.isEmpty() ? null : imported,
          true);
    }

    /** Every image the recheck after commit looks at. */
    Set<String> all() {
      if (importedUuids.isEmpty()) {
        return uuids;
      }
      Set<String> all = new TreeSet<>(uuids);
      all.addAll(importedUuids);
      return all;
    }

    private static String newToken() {
      return UUID.randomUUID().toString().replace("-", "");
    }
  }

  /**
   * The references of {@code project} that one change inserted, all with {@code indexedAt}: what
   * finds the images they name again after a crash, however many.
   */
  public record ImportedReferences(String project, long indexedAt) {}

  /**
   * Inside the changing transaction: records that the marks of {@code owed}'s images are to be
   * rechecked once it commits, so that a crash before the recheck leaves the debt for the next
   * start or sweep ({@link #recheckOwed}) instead of a mark out of step for good.
   */
  public void owe(Connection c, OwedRecheck owed, long now) throws SQLException {
    owe(c, List.of(owed), now);
  }

  /**
   * {@link #owe} of several changes recorded in one transaction (uploads recorded together), the
   * rows owed one by one in one statement: the token and the uuid of each as two arrays.
   */
  public void owe(Connection c, List<OwedRecheck> owed, long now) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    for (OwedRecheck o : owed) {
      for (String uuid : o.uuids()) {
        rows.add(new String[] {o.token(), uuid});
      }
    }
    for (List<String[]> chunk : Sql.arrayChunks(rows)) {
      Sql.on(
              c,
              "INSERT INTO orphan_rechecks (token, uuid, since)"
                  + " SELECT t.token, t.uuid, ? FROM UNNEST(?, ?) AS t(token, uuid)"
                  + " ON CONFLICT DO NOTHING")
          .bind(now)
          .bindArray(chunk.stream().map(row -> row[0]).toList())
          .bindArray(chunk.stream().map(row -> row[1]).toList())
          .update();
    }
    for (OwedRecheck o : owed) {
      if (o.imported() != null) {
        Sql.on(
                c,
                "INSERT INTO orphan_recheck_imports (token, project, indexed_at, since)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(o.token())
            .bind(o.imported().project())
            .bind(o.imported().indexedAt())
            .bind(now)
            .update();
      }
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
    recheckOrphanMarks(
        db,
        owed,
        now,
        o ->
            db.inTransaction(
                c -> {
                  recheckOrphanMarks(c, List.of(o), now);
                  return null;
                }));
  }

  /**
   * Like {@link #recheckOrphanMarks(Database, OwedRecheck, long)}, with the recheck's transaction
   * run by {@code commit}: a group commit that runs it together with other changes' rechecks
   * ({@link #recheckOrphanMarks(Connection, List, long)}), say.
   */
  public void recheckOrphanMarks(
      Database db, OwedRecheck owed, long now, Consumer<OwedRecheck> commit) {
    settleWhatFailuresLeft(db, now);
    Set<String> all = owed.all();
    if (all.isEmpty()) {
      return;
    }
    try {
      commit.accept(owed);
    } catch (RuntimeException e) {
      // Committed, but the recheck failed (the database went away): its debt is left owed.
      rechecksLeftOwed.set(true);
      throw e;
    }
  }

  /**
   * {@link #recheckOrphanMarks(Database, OwedRecheck, long)} of several committed changes inside
   * the caller's transaction: the images of all of them are locked in one uuid order and rechecked
   * together, and each change's debt is settled. The same as rechecking them one after the other,
   * in one commit ({@code db/GroupCommit} gathers the uploads' rechecks this way).
   */
  public void recheckOrphanMarks(Connection c, List<OwedRecheck> owed, long now)
      throws SQLException {
    Set<String> uuids = new TreeSet<>();
    for (OwedRecheck o : owed) {
      uuids.addAll(o.all());
    }
    if (uuids.isEmpty()) {
      return;
    }
    recheckOrphanMarks(c, uuids, now);
    settle(c, owed);
  }

  /**
   * Set when a recheck after a commit failed. The next one that runs settles every debt first, so
   * that what a database outage left owed is settled by the first change after it, not only by the
   * next sweep (an hour later by default, when fsck already counts it as a problem).
   */
  private final AtomicBoolean rechecksLeftOwed = new AtomicBoolean();

  /**
   * {@link Database#commitsInDoubt()} when last looked at: a change whose commit failed may have
   * committed all the same, its debt with it, and then nobody rechecks it.
   */
  private final AtomicLong commitsInDoubtSeen = new AtomicLong();

  private void settleWhatFailuresLeft(Database db, long now) {
    long inDoubt = db.commitsInDoubt();
    boolean recheckFailed = rechecksLeftOwed.getAndSet(false);
    boolean commitFailed = commitsInDoubtSeen.getAndSet(inDoubt) != inDoubt;
    if (!recheckFailed && !commitFailed) {
      return;
    }
    try {
      while (recheckOwed(db, now, RECHECK_BATCH, now) >= RECHECK_BATCH) {
        // More than one batch was owed: go on until a batch comes back short.
      }
    } catch (RuntimeException e) {
      rechecksLeftOwed.set(true);
      throw e;
    }
  }

  private static final int RECHECK_BATCH = 10_000;

  /**
   * Rechecks what changes owe since {@code before} or earlier: left by a crash between a change and
   * its recheck (or still being settled by a running one; a second recheck is harmless). At most
   * {@code limit} images owed one by one, and {@code limit} imports ({@link ImportedReferences}:
   * the images their references name); returns how many images were rechecked (an import whose
   * references are gone counts as one).
   */
  public int recheckOwed(Database db, long before, int limit, long now) {
    Map<String, Set<String>> byToken =
        db.read(
            c -> {
              Map<String, Set<String>> out = new TreeMap<>();
              Sql.on(
                      c,
                      "SELECT token, uuid FROM orphan_rechecks WHERE since <= ? ORDER BY since LIMIT ?")
                  .bind(before)
                  .bind(limit)
                  .forEach(
                      rs ->
                          out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>())
                              .add(rs.getString(2)));
              return out;
            });
    int n = 0;
    for (Map.Entry<String, Set<String>> e : byToken.entrySet()) {
      // LIMIT may have cut the token's rows: settle these rows only.
      recheckOrphanMarks(db, new OwedRecheck(e.getKey(), e.getValue(), Set.of(), null, false), now);
      n += e.getValue().size();
    }
    Map<String, ImportedReferences> imports =
        db.read(
            c -> {
              Map<String, ImportedReferences> out = new TreeMap<>();
              Sql.on(
                      c,
                      "SELECT token, project, indexed_at FROM orphan_recheck_imports"
                          + " WHERE since <= ? ORDER BY since LIMIT ?")
                  .bind(before)
                  .bind(limit)
                  .forEach(
                      rs ->
                          out.put(
                              rs.getString(1),
                              new ImportedReferences(rs.getString(2), rs.getLong(3))));
              return out;
            });
    for (Map.Entry<String, ImportedReferences> e : imports.entrySet()) {
      ImportedReferences imported = e.getValue();
      Set<String> named =
          db.read(
              c ->
                  new TreeSet<>(
                      Sql.on(
                              c,
                              "SELECT DISTINCT uuid FROM image_references"
                                  + " WHERE project = ? AND indexed_at = ?")
                          .bind(imported.project())
                          .bind(imported.indexedAt())
                          .list(ImageRepository::uuid)));
      // Nothing named (the references were removed since, by changes that owe their own
      // rechecks): the row is settled all the same.
      // Its own rows in orphan_rechecks (the images the change's removals left) are the first
      // loop's: only the import row is settled here.
      settleImport(db, new OwedRecheck(e.getKey(), Set.of(), named, imported, false), now);
      n += Math.max(1, named.size());
    }
    return n;
  }

  private void settleImport(Database db, OwedRecheck owed, long now) {
    if (!owed.importedUuids().isEmpty()) {
      recheckOrphanMarks(db, owed, now);
      return;
    }
    db.inTransaction(
        c -> {
          settle(c, List.of(owed));
          return null;
        });
  }

  /**
   * Deletes the debts of {@code owed}: a whole debt by its token (one index range, however many
   * rows; matching them with {@code uuid = ANY(?)} instead compared every row of the token with the
   * whole array on H2), a part of one row by row (primary-key lookups), and the import rows.
   */
  private static void settle(Connection c, List<OwedRecheck> owed) throws SQLException {
    Sql byToken = Sql.on(c, "DELETE FROM orphan_rechecks WHERE token = ?");
    Sql byRow = Sql.on(c, "DELETE FROM orphan_rechecks WHERE token = ? AND uuid = ?");
    for (OwedRecheck o : owed) {
      if (o.whole()) {
        if (!o.uuids().isEmpty()) {
          byToken.bind(o.token()).add();
        }
      } else {
        for (String uuid : o.uuids()) {
          byRow.bind(o.token()).bind(uuid).add();
        }
      }
    }
    byToken.batch();
    byRow.batch();
    for (OwedRecheck o : owed) {
      if (o.imported() != null) {
        settleImported(c, o);
      }
    }
  }

  private static void settleImported(Connection c, OwedRecheck owed) throws SQLException {
    Sql.on(c, "DELETE FROM orphan_recheck_imports WHERE token = ?").bind(owed.token()).update();
  }

  /**
   * How many rechecks changes have owed since {@code before} or earlier: one per image, and one per
   * import ({@link ImportedReferences}).
   */
  public int countOwed(Connection c, long before) throws SQLException {
    return Sql.on(
            c,
            "SELECT (SELECT COUNT(*) FROM orphan_rechecks WHERE since <= ?)"
                + " + (SELECT COUNT(*) FROM orphan_recheck_imports WHERE since <= ?)")
        .bind(before)
        .bind(before)
        .one(rs -> rs.getInt(1))
        .orElseThrow();
  }

  /** Whether image {@code uuid}'s mark disagrees with its references and no recheck is owed. */
  public boolean marksOutOfStep(Connection c, String uuid) throws SQLException {
    return Sql.on(c, OUT_OF_STEP + " AND uuid = ?").bind(uuid).exists();
  }

  private static final String OUT_OF_STEP =
      "SELECT uuid FROM images i WHERE ((orphaned_at IS NULL AND NOT EXISTS"
          + " (SELECT 1 FROM image_references r WHERE r.uuid = i.uuid))"
          + " OR (orphaned_at IS NOT NULL AND EXISTS"
          + " (SELECT 1 FROM image_references r WHERE r.uuid = i.uuid)))"
          + " AND NOT EXISTS (SELECT 1 FROM orphan_rechecks o WHERE o.uuid = i.uuid)"
          + " AND NOT EXISTS (SELECT 1 FROM image_references r JOIN orphan_recheck_imports o"
          + " ON o.project = r.project AND o.indexed_at = r.indexed_at WHERE r.uuid = i.uuid)";

  /**
   * Images whose mark disagrees with their references now and that no change still owes a recheck:
   * referenced but marked orphaned, or unreferenced but not marked. At most {@code limit}.
   */
  public List<String> marksOutOfStep(Connection c, int limit) throws SQLException {
    return Sql.on(c, OUT_OF_STEP + " ORDER BY uuid LIMIT ?")
        .bind(limit)
        .list(ImageRepository::uuid);
  }

  private void recheckOrphanMarks(Connection c, Collection<String> uuids, long now)
      throws SQLException {
    // The rows locked are the images that exist (none can go before this commits): only they
    // have a mark to set; an image stored after the lock is rechecked by its own upload.
    List<String> stored = new ArrayList<>();
    for (List<String> chunk : Sql.matchChunks(c, new TreeSet<>(uuids))) {
      stored.addAll(lockInOrder(c, chunk, ""));
    }
    List<List<String>> chunks = Sql.matchChunks(c, stored);
    for (List<String> chunk : chunks) {
      clearIfReferenced(c, chunk);
    }
    for (List<String> chunk : chunks) {
      markIfUnreferenced(c, chunk, now);
    }
  }

  public long count(Connection c) throws SQLException {
    return Sql.on(c, "SELECT COUNT(*) FROM images").number();
  }

  /** How many images are marked orphaned and how many are not, read in one statement. */
  public ServiceMetrics.ImageCounts counts(Connection c) throws SQLException {
    return Sql.on(c, "SELECT COUNT(*), COUNT(orphaned_at) FROM images")
        .one(rs -> new ServiceMetrics.ImageCounts(rs.getLong(1) - rs.getLong(2), rs.getLong(2)))
        .orElseThrow();
  }

  private static String uuid(ResultSet rs) throws SQLException {
    return rs.getString(1);
  }

  /** Reads the {@link #COLUMNS} of the current row. */
  public static ImageRecord read(ResultSet rs) throws SQLException {
    TestSpec spec = null;
    if (rs.getString("spec_lib") != null
        || rs.getString("spec_name") != null
        || rs.getString("spec_branch") != null) {
      spec =
          new TestSpec(
              rs.getString("spec_lib"), rs.getString("spec_name"), rs.getString("spec_branch"));
    }
    TestRuntime rt = null;
    if (rs.getString("platform") != null || rs.getString("browser") != null) {
      rt =
          new TestRuntime(
              rs.getString("platform"),
              rs.getString("resolution"),
              rs.getString("browser"),
              rs.getString("theme"),
              rs.getString("direction"),
              rs.getString("mode"));
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
