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

package com.googlesource.gerrit.plugins.imagestore.service.db;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.base.Ticker;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.IgnoreRegion;
import com.googlesource.gerrit.plugins.imagestore.diff.Shift;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditEntry;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditLog;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.auth.User;
import com.googlesource.gerrit.plugins.imagestore.service.auth.UserService;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.ForwardingBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.SpoolDirectory;
import com.googlesource.gerrit.plugins.imagestore.service.blob.local.LocalBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository.State;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffKey;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffRecord;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffRepository;
import com.googlesource.gerrit.plugins.imagestore.service.domain.ConflictException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageContent;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.IdRange;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.ImportedReferences;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.OwedRecheck;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.TableSlice;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.images.RecentLookups;
import com.googlesource.gerrit.plugins.imagestore.service.images.TestSpec;
import com.googlesource.gerrit.plugins.imagestore.service.images.TrashedImages;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService;
import com.googlesource.gerrit.plugins.imagestore.service.png.IncomingImage;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceRepository;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeRecord;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import com.googlesource.gerrit.plugins.imagestore.service.trash.CleanupOutcome;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashRecord;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashRepository;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService.Guard;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the metadata database must do, taken from what the repositories and services ask of it: the
 * same migrations, queries and locking on every database. Each database's test extends this class
 * and opens a fresh, empty, migrated {@link Database}.
 */
public abstract class DatabaseContract {
  /** After 2^31 ms: times must be 64-bit on every database. */
  private static final long T0 = Instant.parse("2025-06-01T10:00:00Z").toEpochMilli();

  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);
  private static final String COMMIT = "c".repeat(40);

  protected Database db;
  private final ImageRepository images = new ImageRepository();
  private final ContentRepository contents = new ContentRepository();
  private final ReferenceRepository refs = new ReferenceRepository();
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);

  /** A fresh database with the schema migrated. */
  protected abstract Database open() throws Exception;

  /** How to reach a database. */
  protected record Jdbc(String url, String user, String password) {}

  /** Another fresh database, empty: no migration ran on it (the subclass drops it after). */
  protected abstract Jdbc emptyDatabase() throws Exception;

  @BeforeEach
  void openDatabase() throws Exception {
    db = open();
  }

  @AfterEach
  void closeDatabase() throws Exception {
    spools.forEach(SpoolDirectory::close);
    if (db != null) {
      db.close();
    }
  }

  /** The spool directories of the {@link Contents} a test made, closed after it. */
  private final List<SpoolDirectory> spools = new ArrayList<>();

  /** {@link Contents} over {@code blobs}, its notes in a spool directory of its own. */
  private Contents contentsOn(BlobStore blobs) throws IOException {
    SpoolDirectory spool = SpoolDirectory.open(Files.createTempDirectory("spool"));
    spools.add(spool);
    return new Contents(db, blobs, contents, spool, clock);
  }

  /** An upload's bytes stored and recorded (by the caller's transaction, after this). */
  private static void storeBytes(Contents steps, String sha, long size, Path file)
      throws IOException {
    try (Contents.UnrecordedBytes bytes = steps.beginStore(sha, size)) {
      bytes.put(file);
      bytes.recorded();
    }
  }

  private static String uuid(int n) {
    return String.format("%032x", n);
  }

  private static ImageRecord image(String uuid, String sha, Long orphanedAt) {
    TestSpec spec = new TestSpec("sap.m", "Bütton spec", "master");
    TestRuntime rt = new TestRuntime("linux", "1600x1200", "chrome", "sap_horizon", "ltr", "cozy");
    return new ImageRecord(
        uuid, sha, 123_456_789_012L, 1920, 1080, T0, "uploader", spec, rt, orphanedAt);
  }

  private void insert(ImageRecord r) {
    db.inTransaction(
        c -> {
          images.insert(c, r);
          return null;
        });
  }

  private static ImageReference ref(String project, String branch, String path, String uuid) {
    return new ImageReference(project, branch, COMMIT, path, uuid);
  }

  /** The references as the client library (the plugin) holds them. */
  private static List<ReferenceInfo> wire(List<ImageReference> refs) {
    return refs.stream()
        .map(r -> new ReferenceInfo(r.project(), r.branch(), r.commit(), r.path(), r.uuid()))
        .toList();
  }

  // --- images ---

  @Test
  void imageRowsRoundTrip() {
    ImageRecord full = image(uuid(1), SHA_A, T0 + 5);
    insert(full);
    ImageRecord bare = new ImageRecord(uuid(2), SHA_A, 10, 1, 1, T0, "u", null, null, null);
    insert(bare);

    ImageRecord read = db.read(c -> images.find(c, uuid(1))).orElseThrow();
    assertThat(read.size()).isEqualTo(123_456_789_012L);
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(read.orphanedAt()).isEqualTo(T0 + 5);
    assertThat(read.spec().name()).isEqualTo("Bütton spec");
    assertThat(read.runtime().theme()).isEqualTo("sap_horizon");
    ImageRecord readBare = db.read(c -> images.find(c, uuid(2))).orElseThrow();
    assertThat(readBare.spec()).isNull();
    assertThat(readBare.runtime()).isNull();
    assertThat(readBare.orphanedAt()).isNull();
    assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(3)))).isEmpty();
    // What a download reads of an image: its content and size only.
    assertThat(db.<Optional<ImageContent>>read(c -> images.findContent(c, uuid(1))))
        .hasValue(new ImageContent(SHA_A, 123_456_789_012L));
    assertThat(db.<Optional<ImageContent>>read(c -> images.findContent(c, uuid(3)))).isEmpty();
    assertThat(db.<Long>read(c -> images.count(c))).isEqualTo(2);
    // What decides whether bytes may go: the images (and trash entries, none here) holding them.
    assertThat(db.<Long>read(c -> contents.holders(c, SHA_A))).isEqualTo(2);
    assertThat(db.<Long>read(c -> contents.holders(c, SHA_B))).isEqualTo(0);
    assertThat(db.<Map<String, Long>>read(c -> contents.holders(c, List.of(SHA_A, SHA_B))))
        .containsExactly(SHA_A, 2L);

    assertThat(db.<Boolean>read(c -> images.delete(c, uuid(1)))).isTrue();
    assertThat(db.<Boolean>read(c -> images.delete(c, uuid(1)))).isFalse();
  }

  @Test
  void aDuplicateIdIsAUniqueViolation() {
    insert(image(uuid(1), SHA_A, null));
    Database.DatabaseException e =
        assertThrows(Database.DatabaseException.class, () -> insert(image(uuid(1), SHA_B, null)));
    assertThat(Database.isUniqueViolation((SQLException) e.getCause())).isTrue();
  }

  @Test
  void idsArePagedInOrder() {
    for (int n : new int[] {0xbeef, 0x1, 0xa, 0xff, 0x10}) {
      insert(image(uuid(n), SHA_A, null));
    }
    assertThat(db.<List<String>>read(c -> images.listIds(c, null, 3)))
        .containsExactly(uuid(0x1), uuid(0xa), uuid(0x10))
        .inOrder();
    assertThat(db.<List<String>>read(c -> images.listIds(c, uuid(0x10), 3)))
        .containsExactly(uuid(0xff), uuid(0xbeef))
        .inOrder();
    assertThat(db.<List<String>>read(c -> images.listIds(c, uuid(0xbeef), 3))).isEmpty();
  }

  @Test
  void orphanMarksFollowTheReferences() {
    insert(image(uuid(1), SHA_A, null));
    insert(image(uuid(2), SHA_A, T0 - 1000));
    insert(image(uuid(3), SHA_B, null));
    db.inTransaction(
        c -> refs.insertIfAbsent(c, List.of(ref("p", "master", "a.lnk", uuid(1))), T0));

    // Only unreferenced images old enough are orphans.
    assertThat(orphanIds(T0)).containsExactly(uuid(2));
    assertThat(orphanIds(T0 - 2000)).isEmpty();

    // uuid(3) is unreferenced and unmarked; uuid(1) is referenced.
    db.inTransaction(
        c -> {
          images.markOrphanedIfUnreferenced(c, List.of(uuid(1), uuid(3)), T0);
          return null;
        });
    assertThat(orphanedAt(uuid(1))).isEmpty();
    assertThat(orphanedAt(uuid(3))).hasValue(T0);

    db.inTransaction(
        c -> {
          images.clearOrphanMarks(c, List.of(uuid(3)));
          images.setOrphanedAt(c, uuid(1), T0 - 5);
          return null;
        });
    assertThat(orphanedAt(uuid(3))).isEmpty();

    // The sweep: uuid(1) is referenced (cleared), uuid(3) unreferenced (marked).
    int cleared = db.inTransaction(c -> images.clearReferenced(c, new TableSlice(0, -1)));
    int marked = db.inTransaction(c -> images.markUnreferenced(c, new IdRange("", null), T0 + 1));
    assertThat(cleared).isEqualTo(1);
    assertThat(marked).isEqualTo(1);
    assertThat(orphanedAt(uuid(1))).isEmpty();
    assertThat(orphanedAt(uuid(3))).hasValue(T0 + 1);
    assertThat(orphanIds(T0 + 1)).containsExactly(uuid(2), uuid(3)).inOrder();
  }

  /**
   * The recomputation's two passes, slice by slice (small slices here: the table in six, the ids 50
   * at a time), give the marks the single statements gave: referenced images unmarked, unreferenced
   * ones marked (an old mark kept, a new one at the recomputation's time), also for an image with a
   * recheck still owed. Rows inserted in table order and id order apart; between slices rows are
   * inserted, deleted and their references changed, and the marks come out right.
   */
  @Test
  void slicedRecomputeGivesTheMarksOfTheWholeTableStatements() {
    long now = T0 + 1000;
    List<Integer> order = new ArrayList<>();
    for (int n = 1; n <= 400; n++) {
      order.add(n);
    }
    Collections.shuffle(order, new Random(7));
    List<ImageReference> referenced = new ArrayList<>();
    for (int n : order) {
      insert(image(uuid(n), SHA_A, n % 4 == 0 ? T0 - 100 : null));
      if (n % 3 == 0) {
        referenced.add(ref("p", "master", n + ".lnk", uuid(n)));
      }
    }
    db.inTransaction(c -> refs.insertIfAbsent(c, referenced, T0));
    db.inTransaction(
        c -> {
          images.owe(c, OwedRecheck.of(List.of(uuid(5))), T0);
          return null;
        });

    // Pass 1, clearing in table order.
    long extent = db.read(images::tableExtent);
    long step = Math.max(1, extent / 6);
    int cleared = 0;
    for (long from = 0; ; from += step) {
      boolean last = from + step >= extent;
      TableSlice slice = new TableSlice(from, last ? -1 : from + step);
      cleared += db.inTransaction(c -> images.clearReferenced(c, slice));
      if (from == 0) {
        execute("DELETE FROM images WHERE uuid = '" + uuid(12) + "'");
        insert(image(uuid(1001), SHA_A, T0 - 100)); // beyond the extent: in the open last slice
        db.inTransaction(
            c -> refs.insertIfAbsent(c, List.of(ref("p", "master", "new.lnk", uuid(1001))), T0));
      }
      if (last) {
        break;
      }
    }
    assertThat(cleared).isAtLeast(33); // n % 12 == 0 but maybe 12, and 1001

    // Pass 2, marking in id order.
    int marked = 0;
    String after = "";
    while (true) {
      String from = after;
      IdRange range = db.read(c -> images.nextRange(c, from, 50));
      marked += db.inTransaction(c -> images.markUnreferenced(c, range, now));
      if (from.isEmpty()) {
        insert(image(uuid(1002), SHA_A, null)); // after the position: the pass marks it
        ImageReference gone = ref("p", "master", "300.lnk", uuid(300)); // not visited yet
        db.inTransaction(c -> refs.delete(c, List.of(gone)));
        ImageReference added = ref("p", "master", "again.lnk", uuid(20)); // visited already
        db.inTransaction(c -> refs.insertIfAbsent(c, List.of(added), T0));
        images.recheckOrphanMarks(db, OwedRecheck.of(List.of(uuid(20))), now);
      }
      if (range.last() == null) {
        break;
      }
      after = range.last();
    }
    // Unreferenced and unmarked at the start: n % 3 != 0 and n % 4 != 0, 200 of 400; and 1002 and
    // 300 (its mark cleared by the first pass, its reference gone before the second visits it).
    assertThat(marked).isEqualTo(200 + 2);

    assertThat(db.<List<String>>read(c -> images.marksOutOfStep(c, 1000))).isEmpty();
    assertThat(orphanedAt(uuid(1))).hasValue(now);
    assertThat(orphanedAt(uuid(4))).hasValue(T0 - 100); // an old mark is kept
    assertThat(orphanedAt(uuid(3))).isEmpty();
    assertThat(orphanedAt(uuid(24))).isEmpty(); // was marked and referenced
    assertThat(orphanedAt(uuid(5))).hasValue(now); // with a recheck owed
    assertThat(orphanedAt(uuid(1001))).isEmpty();
    assertThat(orphanedAt(uuid(1002))).hasValue(now);
    assertThat(orphanedAt(uuid(300))).hasValue(now);
    assertThat(orphanedAt(uuid(20))).isEmpty();
    assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(12)))).isEmpty();
  }

  /**
   * Two transactions each remove one of an image's last two references. Inside its transaction each
   * still sees the other's reference, so neither marks the image: the write skew that only the
   * recheck after commit repairs. Forced here with two open connections.
   */
  @Test
  void theRecheckAfterCommitMarksWhatConcurrentRemovalsMissed() throws Exception {
    insert(image(uuid(7), SHA_A, null));
    insert(image(uuid(8), SHA_B, T0 - 5));
    ImageReference inP = ref("p", "master", "a.lnk", uuid(7));
    ImageReference inQ = ref("q", "master", "a.lnk", uuid(7));
    ImageReference eight = ref("p", "master", "b.lnk", uuid(8));
    db.inTransaction(c -> refs.insertIfAbsent(c, List.of(inP, inQ, eight), T0));
    db.inTransaction(
        c -> {
          images.clearOrphanMarks(c, List.of(uuid(8)));
          return null;
        });

    try (Connection first = db.dataSource().getConnection();
        Connection second = db.dataSource().getConnection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      refs.delete(first, List.of(inP));
      images.markOrphanedIfUnreferenced(first, List.of(uuid(7)), T0);
      refs.delete(second, List.of(inQ));
      images.markOrphanedIfUnreferenced(second, List.of(uuid(7)), T0);
      first.commit();
      second.commit();
    }
    boolean referenced = db.read(c -> refs.isReferenced(c, uuid(7)));
    assertThat(referenced).isFalse();
    assertThat(orphanedAt(uuid(7))).isEmpty(); // the skew

    images.recheckOrphanMarks(db, OwedRecheck.of(List.of(uuid(7), uuid(8), uuid(9))), T0 + 1);
    assertThat(orphanedAt(uuid(7))).hasValue(T0 + 1);
    assertThat(orphanedAt(uuid(8))).isEmpty(); // still referenced

    // And back: a reference the image's own transaction could not see is found by the recheck.
    db.inTransaction(c -> refs.insertIfAbsent(c, List.of(inQ), T0 + 2));
    images.recheckOrphanMarks(db, OwedRecheck.of(List.of(uuid(7))), T0 + 3);
    assertThat(orphanedAt(uuid(7))).isEmpty();
  }

  /**
   * A filtered listing pages like the unfiltered one: every page but the last is full, the pages
   * follow each other in id order, and together they hold exactly the orphans that pass (old
   * enough, of the runtime, spec name or library containing the text in any case, unreferenced even
   * when still marked), for every combination of the runtime and the spec filters.
   */
  @Test
  void filteredOrphanPagesAreFullAndInOrder() {
    TestRuntime linux = new TestRuntime("linux", "1920x1080", "chrome", "light", "ltr", "cozy");
    TestRuntime mac = new TestRuntime("mac", "1920x1080", "chrome", "light", "ltr", "cozy");
    record Row(String uuid, TestRuntime runtime, boolean specMatches, boolean listable) {}
    List<Row> rows = new ArrayList<>();
    for (int n = 1; n <= 120; n++) {
      String uuid = uuid(n * 7919 % 1000 + 1000 * n);
      Long orphanedAt = n % 5 == 0 ? null : n % 7 == 0 ? T0 + 10 : T0 - n;
      TestRuntime rt = n % 3 == 0 ? mac : linux;
      TestSpec spec =
          n % 4 == 0
              ? new TestSpec("Lib-SPEC-1" + n, "other", "master")
              : new TestSpec("lib", (n % 2 == 0 ? "Spec-" : "spec-") + n, "master");
      insert(new ImageRecord(uuid, SHA_A, 1, 1, 1, T0, "uploader", spec, rt, orphanedAt));
      boolean referenced = n % 11 == 0; // marked, but a reference arrived since
      if (referenced) {
        db.inTransaction(
            c -> refs.insertIfAbsent(c, List.of(ref("p", "master", "a.lnk", uuid)), T0));
      }
      boolean specMatches = n % 4 == 0 || String.valueOf(n).startsWith("1");
      rows.add(
          new Row(uuid, rt, specMatches, orphanedAt != null && orphanedAt <= T0 && !referenced));
    }
    for (TestRuntime runtime : Arrays.asList(linux, null)) {
      for (String spec : Arrays.asList("sPeC-1", null)) {
        List<String> expected =
            rows.stream()
                .filter(r -> r.listable() && (runtime == null || r.runtime().equals(runtime)))
                .filter(r -> spec == null || r.specMatches())
                .map(Row::uuid)
                .sorted()
                .toList();
        assertThat(expected.size()).isGreaterThan(15);
        assertThat(
                listAllOrphans(new ImageRepository.OrphanFilter(T0, runtime, spec), 4).stream()
                    .map(ImageRecord::uuid)
                    .toList())
            .containsExactlyElementsIn(expected)
            .inOrder();
      }
    }
  }

  /**
   * Follows the listing page by page with pages of {@code pageSize}: each in id order, each but the
   * last full (a short page ends the listing).
   */
  private List<ImageRecord> listAllOrphans(ImageRepository.OrphanFilter filter, int pageSize) {
    List<ImageRecord> listed = new ArrayList<>();
    String after = null;
    while (true) {
      String from = after;
      List<ImageRecord> page = db.read(c -> images.listOrphans(c, filter, from, pageSize));
      assertThat(page.stream().map(ImageRecord::uuid).toList()).isInStrictOrder();
      if (from != null && !page.isEmpty()) {
        assertThat(page.get(0).uuid()).isGreaterThan(from);
      }
      listed.addAll(page);
      if (page.size() < pageSize) {
        return listed;
      }
      after = page.get(page.size() - 1).uuid();
    }
  }

  /**
   * The cleanup's candidates (shown by its dry run, moved by the real one): the first {@link
   * CleanupOutcome#MAX_IMAGES} orphans in id order that passed the grace period (a shorter minimum
   * age is raised to it) and pass the runtime and spec filters together, unreferenced even when
   * still marked; {@code more} when the selection was cut there. With fewer, all of them.
   */
  @Test
  void cleanupSelectsTheFirstOrphansInIdOrderPastTheGracePeriodThatPassEveryFilter()
      throws IOException {
    TestRuntime linux = new TestRuntime("linux", "1920x1080", "chrome", "light", "ltr", "cozy");
    TestRuntime mac = new TestRuntime("mac", "1920x1080", "chrome", "light", "ltr", "cozy");
    Duration grace = Duration.ofDays(1);
    List<String> passing = new ArrayList<>();
    List<String> passingSpec7 = new ArrayList<>();
    List<ImageReference> references = new ArrayList<>();
    db.inTransaction(
        c -> {
          Sql batch =
              Sql.on(
                  c,
                  "INSERT INTO images ("
                      + ImageRepository.COLUMNS
                      + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
          for (int n = 1; n <= 15_500; n++) {
            String uuid = uuid(n * 7919 % 15_500 * 65_536 + n); // not in insertion order
            TestRuntime rt = n % 10 == 0 ? mac : linux;
            TestSpec spec = new TestSpec("lib", n % 9 == 0 ? "other" : "Spec-" + n, "master");
            Long orphanedAt =
                n % 17 == 0
                    ? null
                    : n % 13 == 0
                        ? T0 - Duration.ofHours(23).toMillis() // inside the grace period
                        : T0 - Duration.ofDays(2).toMillis();
            boolean referenced = n % 19 == 0; // marked, but a reference arrived since
            if (referenced) {
              references.add(ref("p", "master", n + ".lnk", uuid));
            }
            ImageRepository.bind(
                    batch, new ImageRecord(uuid, SHA_A, 1, 1, 1, T0, "u", spec, rt, orphanedAt))
                .add();
            if (rt == linux && n % 9 != 0 && orphanedAt != null && n % 13 != 0 && !referenced) {
              passing.add(uuid);
              if (String.valueOf(n).startsWith("7")) { // "spec-7…" contains "c-7"
                passingSpec7.add(uuid);
              }
            }
          }
          batch.batch();
          refs.insertIfAbsent(c, references, T0);
          return null;
        });
    Collections.sort(passing);
    Collections.sort(passingSpec7);
    assertThat(passing.size()).isGreaterThan(CleanupOutcome.MAX_IMAGES);
    LocalBlobStore blobs = new LocalBlobStore(Files.createTempDirectory("blobs"));
    Contents steps = contentsOn(blobs);
    TrashService trash = trashService(blobs, steps, grace);
    RecentLookups recent = new RecentLookups();
    OrphanService orphans =
        new OrphanService(
            db,
            images,
            refs,
            new ImageService(
                db, blobs, images, refs, trash, steps, recent, new AuditLog(db), clock),
            trash,
            clock);

    CleanupOutcome all =
        orphans.cleanup(
            null,
            new OrphanService.Selection(Duration.ofHours(1), linux, "SPEC"),
            true,
            Actor.SYSTEM,
            "test");
    assertThat(all.images().stream().map(i -> i.image().uuid()).toList())
        .containsExactlyElementsIn(passing.subList(0, CleanupOutcome.MAX_IMAGES))
        .inOrder();
    assertThat(all.more()).isTrue();
    // Every image holds SHA_A: more of them than the cleanup selects, so no byte would go.
    assertThat(all.bytesFreed()).isEqualTo(0);

    CleanupOutcome some =
        orphans.cleanup(
            null,
            new OrphanService.Selection(Duration.ZERO, linux, "c-7"),
            true,
            Actor.SYSTEM,
            "t");
    assertThat(some.images().stream().map(i -> i.image().uuid()).toList())
        .containsExactlyElementsIn(passingSpec7)
        .inOrder();
    assertThat(some.more()).isFalse();
  }

  /** The rechecks of several committed changes in one transaction: as if each ran alone. */
  @Test
  void rechecksOfSeveralChangesInOneTransactionSetEveryMarkAndSettleEveryDebt() {
    insert(image(uuid(21), SHA_A, null)); // unreferenced, not marked: to be marked
    insert(image(uuid(22), SHA_B, T0 - 5)); // referenced, marked: to be cleared
    db.inTransaction(
        c -> refs.insertIfAbsent(c, List.of(ref("p", "master", "x.lnk", uuid(22))), T0));
    OwedRecheck first = OwedRecheck.of(List.of(uuid(21)));
    OwedRecheck second = OwedRecheck.of(List.of(uuid(21), uuid(22)));
    db.inTransaction(
        c -> {
          images.owe(c, first, T0);
          images.owe(c, second, T0);
          return null;
        });
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0))).isEqualTo(3);

    db.inTransaction(
        c -> {
          images.recheckOrphanMarks(c, List.of(first, second), T0 + 1);
          return null;
        });
    assertThat(orphanedAt(uuid(21))).hasValue(T0 + 1);
    assertThat(orphanedAt(uuid(22))).isEmpty();
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0 + 1))).isEqualTo(0);
  }

  /**
   * Group commit: callers that queue while a transaction runs share the next one, and each returns
   * only once its own item has committed (read here from another connection).
   */
  @Test
  void groupCommitSharesTheNextTransactionAndCommitsEachItemBeforeItsCallerReturns()
      throws Exception {
    int callers = 12;
    HeldPendingRows held = new HeldPendingRows(null, false);
    GroupCommit<String> pending = held.commit;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<?>> calls = new ArrayList<>();
      calls.add(pool.submit(() -> runAndSeeCommitted(pending, sha(0))));
      assertThat(held.firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < callers; i++) {
        String sha = sha(i);
        calls.add(pool.submit(() -> runAndSeeCommitted(pending, sha)));
      }
      awaitWaiting(pending, callers - 1);
      held.release.countDown();
      for (Future<?> f : calls) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    // The first alone; everyone who queued meanwhile in the second: two commits for twelve.
    assertThat(held.batches).containsExactly(1, callers - 1).inOrder();
    assertThat(pendingRows()).hasSize(callers);
  }

  /** A failing item in a shared transaction fails its own caller only; the others commit. */
  @Test
  void groupCommitKeepsAFailureWithTheItemThatCausedIt() throws Exception {
    int callers = 6;
    String bad = sha(99);
    HeldPendingRows held = new HeldPendingRows(bad, false);
    GroupCommit<String> pending = held.commit;
    ExecutorService pool = Executors.newFixedThreadPool(callers + 1);
    try {
      Future<?> first = pool.submit(() -> runAndSeeCommitted(pending, sha(0)));
      assertThat(held.firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
      List<Future<?>> good = new ArrayList<>();
      for (int i = 1; i < callers; i++) {
        String sha = sha(i);
        good.add(pool.submit(() -> runAndSeeCommitted(pending, sha)));
      }
      Future<?> failing = pool.submit(() -> runAndSeeCommitted(pending, bad));
      awaitWaiting(pending, callers);
      held.release.countDown();
      first.get(60, TimeUnit.SECONDS);
      for (Future<?> f : good) {
        f.get(60, TimeUnit.SECONDS);
      }
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> failing.get(60, TimeUnit.SECONDS));
      assertThat(e).hasCauseThat().isInstanceOf(Database.DatabaseException.class);
      assertThat(e).hasCauseThat().hasMessageThat().contains("refused " + bad);
    } finally {
      pool.shutdownNow();
    }
    // The shared one failed; then each of its items alone.
    assertThat(held.batches.subList(0, 2)).containsExactly(1, callers).inOrder();
    assertThat(held.batches.subList(2, held.batches.size()))
        .containsExactlyElementsIn(Collections.nCopies(callers, 1));
    assertThat(pendingRows())
        .containsExactlyElementsIn(
            IntStream.range(0, callers).mapToObj(DatabaseContract::sha).toList());
  }

  /**
   * Many callers at once, each running many items: every call returns (no caller is left parked
   * when nobody leads) and every item is committed, in fewer transactions than items.
   */
  @Test
  void groupCommitReturnsEveryCallUnderContention() throws Exception {
    int threads = 16;
    int perThread = 150;
    AtomicInteger batches = new AtomicInteger();
    GroupCommit<String> pending =
        new GroupCommit<>(
            db,
            (c, shas) -> {
              batches.incrementAndGet();
              insertPending(c, shas);
            });
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * perThread;
        calls.add(
            pool.submit(
                () -> {
                  for (int i = first; i < first + perThread; i++) {
                    pending.run(sha(10_000 + i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : calls) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(pending.waiting()).isEqualTo(0);
    assertThat(db.<List<String>>read(c -> contents.inState(c, State.PENDING, T0, 10_000)))
        .hasSize(threads * perThread);
    assertThat(batches.get()).isLessThan(threads * perThread);
  }

  /**
   * An {@link Error} in a shared transaction (out of memory, say) reaches the leader, and fails the
   * other callers of its batch instead of leaving them waiting for a commit nobody will make.
   */
  @Test
  void groupCommitFailsTheWholeBatchOnAnError() throws Exception {
    HeldPendingRows held = new HeldPendingRows(sha(1), true);
    GroupCommit<String> pending = held.commit;
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> first = pool.submit(() -> runAndSeeCommitted(pending, sha(0)));
      assertThat(held.firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
      List<Future<?>> failing = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        String sha = sha(i);
        failing.add(pool.submit(() -> pending.run(sha)));
      }
      awaitWaiting(pending, 2);
      held.release.countDown();
      first.get(60, TimeUnit.SECONDS);
      List<Class<?>> causes = new ArrayList<>();
      for (Future<?> f : failing) {
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
        causes.add(e.getCause().getClass());
      }
      assertThat(causes).containsExactly(Error.class, IllegalStateException.class);
    } finally {
      pool.shutdownNow();
    }
    assertThat(pendingRows()).containsExactly(sha(0));
  }

  private static String sha(int n) {
    return String.format("%064x", n);
  }

  /**
   * A group commit of pending rows whose first transaction (the one holding {@code sha(0)}) waits
   * until released, so that the other callers queue meanwhile; it records each transaction's size
   * and refuses the item {@code refused} (null: none) with an {@link SQLException}, or with an
   * {@link Error} when {@code asError}.
   */
  private final class HeldPendingRows {
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch firstRunning = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final GroupCommit<String> commit;

    HeldPendingRows(String refused, boolean asError) {
      commit =
          new GroupCommit<>(
              db,
              (c, shas) -> {
                batches.add(shas.size());
                if (shas.contains(sha(0))) {
                  firstRunning.countDown();
                  try {
                    assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                  }
                }
                insertPending(c, shas); // rolled back with the rest when a refused one is there
                if (shas.contains(refused)) {
                  if (asError) {
                    throw new Error("refused " + refused);
                  }
                  throw new SQLException("refused " + refused, "22000");
                }
              });
    }
  }

  private void insertPending(Connection c, List<String> shas) throws SQLException {
    SortedMap<String, Long> sizes = new TreeMap<>();
    shas.forEach(sha -> sizes.put(sha, 1L));
    contents.insertIfAbsent(c, sizes, State.PENDING, T0);
  }

  private Void runAndSeeCommitted(GroupCommit<String> pending, String sha) {
    pending.run(sha);
    assertThat(pendingRows()).contains(sha);
    return null;
  }

  private List<String> pendingRows() {
    return db.read(c -> contents.inState(c, State.PENDING, T0, 1000));
  }

  private static void awaitWaiting(GroupCommit<?> commit, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (commit.waiting() < n) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  private List<String> orphanIds(long before) {
    return db
        .read(
            c ->
                images.listOrphans(
                    c, new ImageRepository.OrphanFilter(before, null, null), null, 100))
        .stream()
        .map(ImageRecord::uuid)
        .toList();
  }

  private Optional<Long> orphanedAt(String uuid) {
    return Optional.ofNullable(db.read(c -> images.find(c, uuid)).orElseThrow().orphanedAt());
  }

  // --- blob rows and their lock ---

  @Test
  void blobRowsAreInsertedOnce() {
    assertThat(db.<Boolean>read(c -> contents.insertIfAbsent(c, SHA_A, 10, T0))).isTrue();
    assertThat(db.<Boolean>read(c -> contents.insertIfAbsent(c, SHA_A, 10, T0))).isFalse();
    assertThat(db.<Optional<State>>inTransaction(c -> contents.lock(c, SHA_A)))
        .hasValue(State.PENDING);
    assertThat(db.<Optional<State>>inTransaction(c -> contents.lock(c, SHA_B))).isEmpty();
    db.read(
        c -> {
          contents.setState(c, SHA_A, State.DELETING, T0 + 1);
          return null;
        });
    assertThat(db.<List<String>>read(c -> contents.inState(c, State.DELETING, T0, 10))).isEmpty();
    assertThat(db.<List<String>>read(c -> contents.inState(c, State.DELETING, T0 + 1, 10)))
        .containsExactly(SHA_A);
    assertThat(db.<List<String>>read(c -> contents.inState(c, State.PENDING, T0 + 1, 10)))
        .isEmpty();
    db.read(
        c -> {
          contents.delete(c, SHA_A);
          return null;
        });
    assertThat(db.<Optional<State>>inTransaction(c -> contents.lock(c, SHA_A))).isEmpty();
  }

  /**
   * The blob row lock serialises storing and deleting one content: a second locker waits for the
   * first transaction, and finds no row when that one deleted it. The holder keeps the lock for
   * longer than a default lock timeout (a GCS upload may take seconds).
   */
  @Test
  void aBlobRowLockWaitsForItsHolder() throws Exception {
    db.read(c -> contents.insertIfAbsent(c, SHA_A, 10, T0));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Long> holder =
          holdTransaction(
              pool,
              10,
              c -> assertThat(contents.lock(c, SHA_A)).isPresent(),
              c -> contents.delete(c, SHA_A));
      Future<Optional<State>> waiter =
          pool.submit(() -> db.inTransaction(c -> contents.lock(c, SHA_A)));
      assertThat(waiter.get(30, TimeUnit.SECONDS)).isEmpty();
      assertThat(holder.get()).isGreaterThan(0L);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A step of {@link #holdTransaction}. */
  @FunctionalInterface
  protected interface TransactionStep {
    void run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code take} in a transaction on {@code pool}, keeps that transaction open 2.5 s (longer
   * than a default lock timeout), runs {@code beforeCommit} and commits. Returns once {@code take}
   * has run (within {@code awaitSeconds}), with the moment just before the commit to come.
   */
  protected Future<Long> holdTransaction(
      ExecutorService pool, int awaitSeconds, TransactionStep take, TransactionStep beforeCommit)
      throws InterruptedException {
    CountDownLatch taken = new CountDownLatch(1);
    Future<Long> holder =
        pool.submit(
            () ->
                db.inTransaction(
                    c -> {
                      take.run(c);
                      taken.countDown();
                      sleep(2500);
                      beforeCommit.run(c);
                      return System.nanoTime();
                    }));
    assertThat(taken.await(awaitSeconds, TimeUnit.SECONDS)).isTrue();
    return holder;
  }

  protected static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRolledBackTransactionLeavesNothing() {
    assertThrows(
        ConflictException.class,
        () ->
            db.inTransaction(
                c -> {
                  images.insert(c, image(uuid(1), SHA_A, null));
                  throw new ConflictException("test", "roll back");
                }));
    assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(1)))).isEmpty();
  }

  /** A deadlock victim or a serialization failure is rolled back and run again; nothing else. */
  @Test
  void transientFailuresAreRetriedFromAFreshTransaction() {
    AtomicInteger attempts = new AtomicInteger();
    String done =
        db.inTransaction(
            c -> {
              images.insert(c, image(uuid(attempts.incrementAndGet()), SHA_A, null));
              if (attempts.get() < 3) {
                throw new SQLException(
                    "deadlock detected", attempts.get() == 1 ? "40P01" : "40001");
              }
              return "done";
            });
    assertThat(done).isEqualTo("done");
    // The failed attempts' inserts were rolled back.
    assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(1)))).isEmpty();
    assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(2)))).isEmpty();
    assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(3)))).isPresent();

    AtomicInteger other = new AtomicInteger();
    assertThrows(
        Database.DatabaseException.class,
        () ->
            db.inTransaction(
                c -> {
                  other.incrementAndGet();
                  throw new SQLException("syntax error", "42601");
                }));
    assertThat(other.get()).isEqualTo(1);

    AtomicInteger always = new AtomicInteger();
    assertThrows(
        Database.DatabaseException.class,
        () ->
            db.inTransaction(
                c -> {
                  always.incrementAndGet();
                  throw new SQLException("deadlock detected", "40P01");
                }));
    assertThat(always.get()).isEqualTo(4);
  }

  // --- references ---

  @Test
  void referencesAreAddedOnceListedAndDeleted() {
    List<ImageReference> batch =
        List.of(
            ref("p", "master", "images/a/ä.ref.lnk", uuid(1)),
            ref("p", "rel-1", "images/a/ä.ref.lnk", uuid(1)),
            ref("p", "master", "images/b.ref.lnk", uuid(2)),
            ref("q", "master", "images/b.ref.lnk", uuid(2)));
    assertThat(db.<Integer>inTransaction(c -> refs.insertIfAbsent(c, batch, T0))).isEqualTo(4);
    assertThat(db.<Integer>inTransaction(c -> refs.insertIfAbsent(c, batch, T0))).isEqualTo(0);

    assertThat(db.<List<ImageReference>>read(c -> refs.list(c, "p", null))).hasSize(3);
    assertThat(keys(db.read(c -> refs.list(c, "p", "master"))))
        .containsExactly(
            "master images/a/ä.ref.lnk " + uuid(1), "master images/b.ref.lnk " + uuid(2));
    assertThat(keys(db.read(c -> refs.findByUuid(c, uuid(2), 10))))
        .containsExactly(
            "master images/b.ref.lnk " + uuid(2), "master images/b.ref.lnk " + uuid(2));
    assertThat(db.<List<ImageReference>>read(c -> refs.findByUuid(c, uuid(2), 10)).get(0).project())
        .isEqualTo("p");
    assertThat(db.<List<ImageReference>>read(c -> refs.findByUuid(c, uuid(2), 1))).hasSize(1);
    assertThat(db.<Boolean>read(c -> refs.isReferenced(c, uuid(1)))).isTrue();
    assertThat(db.<Boolean>read(c -> refs.isReferenced(c, uuid(3)))).isFalse();

    assertThat(db.<Integer>inTransaction(c -> refs.delete(c, List.of(batch.get(0), batch.get(1)))))
        .isEqualTo(2);
    assertThat(db.<Boolean>read(c -> refs.isReferenced(c, uuid(1)))).isFalse();
    assertThat(db.<List<ImageReference>>read(c -> refs.list(c, "p", null)).get(0).commit())
        .isEqualTo(COMMIT);
  }

  private static List<String> keys(List<ImageReference> list) {
    return list.stream().map(r -> r.branch() + " " + r.path() + " " + r.uuid()).toList();
  }

  @Test
  void replaceAndDigestAgreeWithTheClientLibrary() throws Exception {
    LocalBlobStore blobs = new LocalBlobStore(Files.createTempDirectory("blobs"));
    TrashService trash = trashService(blobs, contentsOn(blobs));
    ReferenceService service = new ReferenceService(db, refs, images, trash, clock);
    insert(image(uuid(1), SHA_A, null));
    insert(image(uuid(2), SHA_A, null));
    List<ImageReference> first =
        List.of(
            ref("p", "master", "x/a.ref.lnk", uuid(1)),
            ref("p", "master", "x/b.ref.lnk", uuid(2)),
            ref("p", "rel-2", "x/a.ref.lnk", uuid(1)));
    service.replace("p", null, first, Actor.SYSTEM);
    assertThat(service.digest("p", null).digest()).isEqualTo(ReferenceSetDigest.of(wire(first)));
    assertThat(service.digest("p", null).count()).isEqualTo(3);
    assertThat(orphanedAt(uuid(2))).isEmpty();
    // The import's debt (one row for its three references) was settled by its recheck.
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);

    // Replacing one branch leaves the others; uuid(2) loses its last reference.
    List<ImageReference> master = List.of(ref("p", "master", "x/a.ref.lnk", uuid(1)));
    var result = service.replace("p", "master", master, Actor.SYSTEM);
    assertThat(result.removed()).isEqualTo(1);
    assertThat(result.added()).isEqualTo(0);
    assertThat(service.digest("p", "master").digest())
        .isEqualTo(ReferenceSetDigest.of(wire(master)));
    assertThat(service.digest("p", null).count()).isEqualTo(2);
    assertThat(orphanedAt(uuid(2))).hasValue(T0);

    // Adding it back clears the mark.
    service.add(List.of(ref("p", "rel-2", "x/b.ref.lnk", uuid(2))), Actor.SYSTEM);
    assertThat(orphanedAt(uuid(2))).isEmpty();
    assertThat(service.digest("q", null).count()).isEqualTo(0);
    assertThat(service.digest("q", null).digest()).isEqualTo(ReferenceSetDigest.of(List.of()));
  }

  /**
   * A first import's batches (COPY on PostgreSQL, its text format escaped by hand) store every name
   * exactly as given: random paths over the characters COPY treats specially (backslash, tab,
   * newline, carriage return, and what follows a backslash: N, ., t, n), beyond ASCII and beyond
   * the BMP; a batch naming a stored key falls back and inserts only the new ones.
   */
  @Test
  void firstImportBatchesStoreNamesExactlyAsGiven() throws Exception {
    String alphabet = "\\\t\n\rN.tnab/ ,\"'\u00e4\u20ac\ud83d\ude00";
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      String project = "copy-" + round;
      List<ImageReference> batch = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        StringBuilder path = new StringBuilder();
        int length = 1 + random.nextInt(12);
        while (path.length() < length) {
          int at = random.nextInt(alphabet.length());
          // Whole surrogate pairs only: a lone half is no character.
          path.append(
              Character.isHighSurrogate(alphabet.charAt(at))
                  ? alphabet.substring(at, at + 2)
                  : Character.isLowSurrogate(alphabet.charAt(at)) ? "x" : alphabet.charAt(at));
        }
        String first = path.substring(0, Character.charCount(path.codePointAt(0)));
        batch.add(ref(project, "master" + first, path + "/" + i, uuid(i)));
      }
      int added = db.inTransaction(c -> refs.insertNew(c, batch, T0));
      assertThat(added).isEqualTo(batch.size());
      List<ImageReference> stored = db.read(c -> refs.list(c, project, null));
      assertThat(stored).containsExactlyElementsIn(batch);
      // Again with one new reference: only that one is new.
      List<ImageReference> again = new ArrayList<>(batch);
      again.add(ref(project, "master", "new", uuid(1)));
      assertThat((int) db.inTransaction(c -> refs.insertNew(c, again, T0))).isEqualTo(1);
    }
  }

  @Test
  void digestStreamsTheSetInTheClientLibrarysOrder() throws Exception {
    LocalBlobStore blobs = new LocalBlobStore(Files.createTempDirectory("blobs"));
    TrashService trash = trashService(blobs, contentsOn(blobs));
    ReferenceService service = new ReferenceService(db, refs, images, trash, clock);
    // Names a locale's collation orders otherwise than String.compareTo (case, punctuation,
    // accents), and more rows than one fetch of a stream.
    List<ImageReference> set = new ArrayList<>();
    List<String> names = List.of("B", "a", "a-b", "a.b", "a_b", "ä", "Z/x", "z", "\uFF21");
    for (int i = 0; i < 2 * Sql.STREAM_FETCH_SIZE + 7; i++) {
      String name = names.get(i % names.size());
      set.add(ref("p", i % 2 == 0 ? "master" : name, name + "/" + i + ".lnk", uuid(i % 5)));
    }
    service.replace("p", null, set, Actor.SYSTEM);
    assertThat(service.digest("p", null).digest()).isEqualTo(ReferenceSetDigest.of(wire(set)));
    assertThat(service.digest("p", null).count()).isEqualTo(set.size());
    List<ImageReference> master = set.stream().filter(r -> r.branch().equals("master")).toList();
    assertThat(service.digest("p", "master").digest())
        .isEqualTo(ReferenceSetDigest.of(wire(master)));

    // The keys arrive in the digest's order, fetched in pieces inside a transaction: the service
    // holds one key at a time, whatever the size of the project.
    List<String> seen = new ArrayList<>();
    db.inTransaction(
        c -> {
          refs.forEachKey(
              c,
              "p",
              null,
              key -> {
                assertThat(c.getAutoCommit()).isFalse();
                seen.add(key);
              });
          return null;
        });
    assertThat(seen).isInStrictOrder();
    assertThat(seen).hasSize(set.size());
    // Outside a transaction PostgreSQL's driver would read the whole result: refused.
    assertThrows(
        IllegalStateException.class,
        () ->
            db.read(
                c -> {
                  refs.forEachKey(c, "p", null, key -> {});
                  return null;
                }));

    // Beyond U+FFFF a database's byte order and Java's disagree: the digest is still right.
    List<ImageReference> astral =
        List.of(
            ref("q", "master", "\uD83D\uDE00.lnk", uuid(1)),
            ref("q", "master", "\uFF21.lnk", uuid(2)),
            ref("q", "master", "a.lnk", uuid(3)));
    service.replace("q", null, astral, Actor.SYSTEM);
    assertThat(service.digest("q", null).digest()).isEqualTo(ReferenceSetDigest.of(wire(astral)));
    assertThat(service.digest("q", null).count()).isEqualTo(3);
  }

  /**
   * A project's first import is one set-based statement per {@link Sql#ARRAY_MAX} references or
   * images: a set larger than one array gives the same rows, counts, marks and debts as one
   * statement per row did (duplicates in the input and rows already stored counted once).
   */
  @Test
  void setsLargerThanOneArrayAreStoredMarkedAndSettledWhole() {
    int n = Sql.ARRAY_MAX + 7;
    List<ImageReference> set =
        IntStream.range(0, n)
            .mapToObj(i -> ref("p", "master", "images/shot" + i + ".ref.lnk", uuid(0x100000 + i)))
            .toList();
    String first = uuid(0x100000);
    String last = uuid(0x100000 + n - 1);
    String unreferenced = uuid(0x1);
    insert(image(first, SHA_A, T0 - 10)); // in the first array, marked
    insert(image(last, SHA_B, T0 - 10)); // in the second array, marked
    insert(image(unreferenced, SHA_A, null)); // owed below, named by nothing
    db.inTransaction(c -> refs.insertIfAbsent(c, set.subList(0, 3), T0));

    List<ImageReference> withDuplicates = new ArrayList<>(set);
    withDuplicates.add(set.get(n - 1));
    assertThat(db.<Integer>inTransaction(c -> refs.insertIfAbsent(c, withDuplicates, T0)))
        .isEqualTo(n - 3);
    assertThat(db.<List<ImageReference>>read(c -> refs.list(c, "p", "master"))).hasSize(n);

    db.inTransaction(
        c -> {
          images.clearOrphanMarks(c, set.stream().map(ImageReference::uuid).toList());
          return null;
        });
    assertThat(orphanedAt(first)).isEmpty();
    assertThat(orphanedAt(last)).isEmpty();

    // The debt of a change this large, settled whole by its recheck.
    List<String> owedIds = new ArrayList<>(set.stream().map(ImageReference::uuid).toList());
    owedIds.add(unreferenced);
    OwedRecheck owed = OwedRecheck.of(owedIds);
    db.inTransaction(
        c -> {
          images.owe(c, owed, T0);
          images.owe(c, owed, T0); // owing twice is owing once
          return null;
        });
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0))).isEqualTo(n + 1);
    db.inTransaction(
        c -> {
          images.setOrphanedAt(c, last, T0 - 3); // out of step: the recheck puts it right
          return null;
        });
    images.recheckOrphanMarks(db, owed, T0 + 1);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);
    assertThat(orphanedAt(last)).isEmpty(); // referenced: cleared
    assertThat(orphanedAt(unreferenced)).hasValue(T0 + 1); // named by nothing: marked
    assertThat(orphanedAt(first)).isEmpty();

    // Trash entries found among a set larger than one array, in id order.
    for (String uuid : List.of(uuid(0x100000 + n - 2), uuid(0x100000 + 2))) {
      execute(
          "INSERT INTO trash ("
              + ImageRepository.COLUMNS
              + ", trashed_at, trashed_by, purge_after) VALUES ('"
              + uuid
              + "', '"
              + SHA_A
              + "', 1, 1, 1, 0, 'u', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 5,"
              + " 6, 'admin', 7)");
    }
    assertThat(db.<List<String>>read(c -> new TrashRepository().trashedAmong(c, owedIds)))
        .containsExactly(uuid(0x100000 + 2), uuid(0x100000 + n - 2))
        .inOrder();
  }

  // --- runtimes ---

  @Test
  void runtimesAreSavedOnceAndUpdated() {
    RuntimeService runtimes = new RuntimeService(db, clock);
    TestRuntime chrome =
        new TestRuntime("linux", "1600x1200", "chrome", "sap_horizon", "ltr", "cozy");
    RuntimeService.Saved created = runtimes.save(new RuntimeRecord(null, chrome, null));
    assertThat(created.created()).isTrue();
    RuntimeService.Saved again = runtimes.save(new RuntimeRecord(null, chrome, "CI's Chrome"));
    assertThat(again.created()).isFalse();
    assertThat(again.runtime().description()).isEqualTo("CI's Chrome");
    assertThat(runtimes.get(created.runtime().id()).orElseThrow().runtime().mode())
        .isEqualTo("cozy");
    runtimes.save(
        new RuntimeRecord(
            null,
            new TestRuntime("linux", "1600x1200", "firefox", "sap_horizon", "ltr", "cozy"),
            "CI's Chrome"));
    assertThat(runtimes.list().stream().map(r -> r.runtime().browser()).toList())
        .containsExactly("chrome", "firefox")
        .inOrder();
    assertThat(runtimes.delete(created.runtime().id())).isTrue();
    assertThat(runtimes.delete(created.runtime().id())).isFalse();
  }

  @Test
  void concurrentSavesOfOneRuntimeCreateItOnce() throws Exception {
    RuntimeService runtimes = new RuntimeService(db, clock);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RuntimeService.Saved>> saves = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        saves.add(
            pool.submit(
                () -> {
                  return runtimes.save(
                      new RuntimeRecord(
                          null,
                          new TestRuntime("mac", "1x1", "safari", "t", "rtl", "compact"),
                          null));
                }));
      }
      int created = 0;
      for (Future<RuntimeService.Saved> s : saves) {
        created += s.get().created() ? 1 : 0;
      }
      assertThat(created).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(runtimes.list()).hasSize(1);
  }

  // --- users ---

  @Test
  void usersAreStoredWithHashedPasswords() {
    UserService users = new UserService(db, clock);
    users.put("jane.doe@example", "correct horse".toCharArray(), EnumSet.of(Role.UPLOADER));
    users.put("bot", "battery staple".toCharArray(), EnumSet.of(Role.INDEXER, Role.ADMIN));
    assertThat(users.authenticate("jane.doe@example", "correct horse"))
        .hasValue(new User("jane.doe@example", EnumSet.of(Role.UPLOADER)));
    assertThat(users.authenticate("jane.doe@example", "wrong password")).isEmpty();
    assertThat(users.list().stream().map(User::name).collect(Collectors.toList()))
        .containsExactly("bot", "jane.doe@example")
        .inOrder();
    // Replacing an account keeps one row.
    users.put("bot", "another password".toCharArray(), EnumSet.of(Role.ADMIN));
    assertThat(users.list()).hasSize(2);
    assertThat(users.remove("bot")).isTrue();
    assertThat(users.remove("bot")).isFalse();
    String stored =
        db.read(
            c -> {
              try (var ps = c.prepareStatement("SELECT password_hash FROM users");
                  var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
              }
            });
    assertThat(stored).startsWith("$2");
  }

  // --- diffs ---

  @Test
  void diffRowsAreInsertedOnceAndRead() {
    DiffRepository diffs = new DiffRepository();
    DiffKey key = new DiffKey(SHA_A, SHA_B, new DiffOptions(0.1, true));
    DiffRecord r =
        new DiffRecord(
            key,
            new DiffResult(
                1920,
                1080,
                5_000_000_000L,
                7,
                false,
                false,
                null,
                0,
                List.of(
                    new Shift(10, 20, 300, 40, -12, 35, 4_000_000_000L),
                    new Shift(0, 0, 1, 1, 1, 0, 1))),
            "d".repeat(64),
            12345,
            T0);
    assertThat(db.<Boolean>read(c -> diffs.insertIfAbsent(c, r))).isTrue();
    assertThat(db.<Boolean>read(c -> diffs.insertIfAbsent(c, r))).isFalse();
    // A row with its moves is not filled in again.
    assertThat(db.<Boolean>read(c -> diffs.fillShifts(c, r))).isFalse();
    DiffRecord read = db.read(c -> diffs.find(c, key)).orElseThrow();
    assertThat(read.shiftsKnown()).isTrue();
    assertThat(read.figures().shifts()).isEqualTo(r.figures().shifts());
    assertThat(read.figures().shiftedPixels()).isEqualTo(4_000_000_001L);
    assertThat(read.figures().mismatchedPixels()).isEqualTo(5_000_000_000L);
    assertThat(read.figures().sizeMismatch()).isFalse();
    assertThat(read.diffSha256()).isEqualTo("d".repeat(64));
    assertThat(read.computedAt()).isEqualTo(T0);
    // Other options are another row.
    assertThat(
            db.<Optional<DiffRecord>>read(
                c -> diffs.find(c, new DiffKey(SHA_A, SHA_B, new DiffOptions(0.1, false)))))
        .isEmpty();
    assertThat(
            db.<Optional<DiffRecord>>read(
                c -> diffs.find(c, new DiffKey(SHA_A, SHA_B, new DiffOptions(0.2, true)))))
        .isEmpty();

    // A row as the V9 migration leaves those stored before moves were detected: not known, until
    // filled in once.
    db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE diffs SET shifts = NULL, shifted_pixels = NULL")) {
            return ps.executeUpdate();
          }
        });
    DiffRecord legacy = db.read(c -> diffs.find(c, key)).orElseThrow();
    assertThat(legacy.shiftsKnown()).isFalse();
    assertThat(legacy.figures().shifts()).isEmpty();
    assertThat(legacy.figures().mismatchedPixels()).isEqualTo(5_000_000_000L);
    assertThat(db.<Boolean>read(c -> diffs.fillShifts(c, r))).isTrue();
    assertThat(db.<Boolean>read(c -> diffs.fillShifts(c, r))).isFalse();
    DiffRecord filled = db.read(c -> diffs.find(c, key)).orElseThrow();
    assertThat(filled.shiftsKnown()).isTrue();
    assertThat(filled.figures().shifts()).isEqualTo(r.figures().shifts());
  }

  @Test
  void diffsAreKeyedByTheirIgnoreRegions() {
    DiffRepository diffs = new DiffRepository();
    DiffOptions plain = new DiffOptions(0.1, true);
    IgnoreRegion clock = new IgnoreRegion(1800, 10, 100, 30);
    IgnoreRegion caret = new IgnoreRegion(200, 400, 2, 20);
    // Normalised: the same regions in another order, or repeated, are the same key.
    DiffOptions ignoring = plain.withIgnore(List.of(clock, caret));
    DiffOptions sameRegions = plain.withIgnore(List.of(caret, clock, caret));
    DiffOptions clockOnly = plain.withIgnore(List.of(clock));
    DiffRecord withRegions =
        new DiffRecord(
            new DiffKey(SHA_A, SHA_B, ignoring),
            new DiffResult(1920, 1080, 11, 3, false, false, null, 3040, List.of()),
            "e".repeat(64),
            999,
            T0);
    DiffRecord without =
        new DiffRecord(
            new DiffKey(SHA_A, SHA_B, plain),
            new DiffResult(1920, 1080, 900, 3, false, false, null),
            "d".repeat(64),
            12345,
            T0);
    assertThat(db.<Boolean>read(c -> diffs.insertIfAbsent(c, without))).isTrue();
    assertThat(db.<Boolean>read(c -> diffs.insertIfAbsent(c, withRegions))).isTrue();
    assertThat(
            db.<Boolean>read(
                c ->
                    diffs.insertIfAbsent(
                        c,
                        new DiffRecord(
                            new DiffKey(SHA_A, SHA_B, sameRegions),
                            withRegions.figures(),
                            "e".repeat(64),
                            999,
                            T0))))
        .isFalse();

    DiffRecord read =
        db.read(c -> diffs.find(c, new DiffKey(SHA_A, SHA_B, sameRegions))).orElseThrow();
    assertThat(read.figures().ignoredPixels()).isEqualTo(3040);
    assertThat(read.figures().mismatchedPixels()).isEqualTo(11);
    assertThat(read.diffSha256()).isEqualTo("e".repeat(64));
    DiffRecord readPlain =
        db.read(c -> diffs.find(c, new DiffKey(SHA_A, SHA_B, plain))).orElseThrow();
    assertThat(readPlain.figures().ignoredPixels()).isEqualTo(0);
    assertThat(readPlain.figures().mismatchedPixels()).isEqualTo(900);
    assertThat(
            db.<Optional<DiffRecord>>read(c -> diffs.find(c, new DiffKey(SHA_A, SHA_B, clockOnly))))
        .isEmpty();
    assertThat(db.<Long>read(c -> diffs.countWithIgnoreRegions(c, SHA_A, SHA_B))).isEqualTo(1);
    assertThat(db.<Long>read(c -> diffs.countWithIgnoreRegions(c, SHA_B, SHA_A))).isEqualTo(0);
    // Both pictures are held: fsck sees them, and forgets the rows of a missing one.
    assertThat(db.<Set<String>>read(c -> contents.diffPicturesWithPrefix(c, "e")))
        .containsExactly("e".repeat(64));
    assertThat(db.<Integer>read(c -> contents.deleteDiffsWithPicture(c, "e".repeat(64))))
        .isEqualTo(1);
    assertThat(db.<Optional<DiffRecord>>read(c -> diffs.find(c, new DiffKey(SHA_A, SHA_B, plain))))
        .isPresent();
  }

  /** V8 changed the key of the diffs table: the rows stored before keep answering. */
  @Test
  void diffsStoredBeforeIgnoreRegionsKeepTheirFiguresAndPictures() throws Exception {
    Jdbc empty = emptyDatabase();
    Flyway before = migratedTo(empty, "7");
    try (Connection c = before.getConfiguration().getDataSource().getConnection()) {
      Sql.on(
              c,
              "INSERT INTO diffs (sha256_a, sha256_b, threshold_millionths, include_antialiasing,"
                  + " width, height, mismatched_pixels, antialiased_pixels, size_mismatch,"
                  + " identical, diff_sha256, diff_size, computed_at)"
                  + " VALUES (?, ?, 100000, FALSE, 1920, 1080, 42, 7, FALSE, FALSE, ?, 5000, ?)")
          .bind(SHA_A)
          .bind(SHA_B)
          .bind("d".repeat(64))
          .bind(T0)
          .update();
    }
    try (Database migrated = Database.open(empty.url(), empty.user(), empty.password(), 2)) {
      DiffRepository diffs = new DiffRepository();
      DiffKey oldKey = new DiffKey(SHA_A, SHA_B, new DiffOptions(0.1, true));
      DiffRecord old = migrated.read(c -> diffs.find(c, oldKey)).orElseThrow();
      assertThat(old.figures().mismatchedPixels()).isEqualTo(42);
      assertThat(old.figures().antialiasedPixels()).isEqualTo(7);
      assertThat(old.figures().ignoredPixels()).isEqualTo(0);
      assertThat(old.diffSha256()).isEqualTo("d".repeat(64));
      assertThat(old.diffSize()).isEqualTo(5000);
      assertThat(old.computedAt()).isEqualTo(T0);
      // Its picture is still held (fsck would otherwise collect the bytes as stray).
      assertThat(migrated.<Set<String>>read(c -> contents.diffPicturesWithPrefix(c, "d")))
          .containsExactly("d".repeat(64));
      // The same comparison with regions is another row.
      DiffKey withRegions =
          new DiffKey(
              SHA_A,
              SHA_B,
              new DiffOptions(0.1, true).withIgnore(List.of(new IgnoreRegion(0, 0, 10, 10))));
      assertThat(migrated.<Optional<DiffRecord>>read(c -> diffs.find(c, withRegions))).isEmpty();
      assertThat(
              migrated.<Boolean>read(
                  c ->
                      diffs.insertIfAbsent(
                          c,
                          new DiffRecord(
                              withRegions,
                              new DiffResult(1920, 1080, 40, 7, false, false, null, 100, List.of()),
                              "f".repeat(64),
                              4000,
                              T0))))
          .isTrue();
      assertThat(migrated.read(c -> diffs.find(c, oldKey)).orElseThrow().diffSha256())
          .isEqualTo("d".repeat(64));
    }
  }

  @Test
  void theSqlHelperBindsTypedNullsAndSplitsLongInLists() {
    insert(image(uuid(1), SHA_A, null));
    insert(image(uuid(700), SHA_B, T0));
    List<String> ids = IntStream.rangeClosed(1, 1200).mapToObj(DatabaseContract::uuid).toList();
    assertThat(Sql.inListChunks(ids)).hasSize(3);
    List<String> found =
        db.read(
            c -> {
              List<String> out = new ArrayList<>();
              for (List<String> chunk : Sql.inListChunks(ids)) {
                out.addAll(
                    Sql.on(
                            c,
                            "SELECT uuid FROM images WHERE uuid IN ("
                                + Sql.inList(chunk.size())
                                + ")")
                        .bindAll(chunk)
                        .list(rs -> rs.getString(1)));
              }
              return out;
            });
    assertThat(found).containsExactly(uuid(1), uuid(700));

    int changed =
        db.read(
            c ->
                Sql.on(c, "UPDATE images SET orphaned_at = ? WHERE uuid = ?")
                    .bind((Long) null)
                    .bind(uuid(700))
                    .update());
    assertThat(changed).isEqualTo(1);
    assertThat(db.<Long>read(c -> Sql.on(c, "SELECT COUNT(orphaned_at) FROM images").number()))
        .isEqualTo(0);
    assertThat(db.<Integer>read(c -> Sql.on(c, "DELETE FROM images WHERE uuid = ?").batch()))
        .isEqualTo(0);
    assertThat(db.read(images::count)).isEqualTo(2);
  }

  /** V10 adds the index fsck's slices of diff pictures read through. */
  @Test
  void diffPicturesAreIndexed() {
    assertThat(indexes(db, "diffs")).contains("diffs_diff_sha256");
  }

  /**
   * V11 (Java) replaces {@code images_orphaned_at} by the two covering partial indexes of the
   * marked images on PostgreSQL; H2 has no partial indexes and keeps {@code images_orphaned_at},
   * and V13 (Java) gives it an index of the marked images' ids instead (a generated column). A
   * store migrated from V10 lists the same orphans after them, and marks set and cleared after
   * them.
   */
  @Test
  void orphanListingIndexesOfEachDatabase() throws Exception {
    Jdbc empty = emptyDatabase();
    Flyway before = migratedTo(empty, "10");
    try (Connection c = before.getConfiguration().getDataSource().getConnection()) {
      images.insert(c, image(uuid(1), SHA_A, T0 - 5));
      images.insert(c, image(uuid(2), SHA_A, null));
      images.insert(c, image(uuid(3), SHA_B, T0 - 3));
    }
    try (Database migrated = Database.open(empty.url(), empty.user(), empty.password(), 2)) {
      boolean postgres =
          migrated.read(c -> c.getMetaData().getDatabaseProductName().equals("PostgreSQL"));
      List<String> indexes = indexes(migrated, "images");
      if (postgres) {
        assertThat(indexes).containsAtLeast("images_orphans", "images_orphans_runtime");
        assertThat(indexes).doesNotContain("images_orphaned_at");
      } else {
        assertThat(indexes).containsAtLeast("images_orphaned_at", "images_orphan_uuid");
        assertThat(indexes).containsNoneOf("images_orphans", "images_orphans_runtime");
      }
      // With a spec filter and without one: on H2 these take different ways to the orphans.
      List<ImageRepository.OrphanFilter> filters =
          List.of(
              new ImageRepository.OrphanFilter(T0, null, "bütton"),
              new ImageRepository.OrphanFilter(T0, null, null));
      for (ImageRepository.OrphanFilter filter : filters) {
        assertThat(listedIds(migrated, filter)).containsExactly(uuid(1), uuid(3)).inOrder();
      }
      migrated.inTransaction(
          c -> {
            images.setOrphanedAt(c, uuid(2), T0 - 1);
            images.clearOrphanMarks(c, List.of(uuid(3)));
            return null;
          });
      for (ImageRepository.OrphanFilter filter : filters) {
        assertThat(listedIds(migrated, filter)).containsExactly(uuid(1), uuid(2)).inOrder();
      }
      assertThat(
              migrated.<String>read(
                  c ->
                      Sql.on(
                              c,
                              "SELECT description FROM flyway_schema_history WHERE version ="
                                  + " '11'")
                          .one(rs -> rs.getString(1))
                          .orElseThrow()))
          .isEqualTo("orphan listing indexes");
    }
  }

  private List<String> listedIds(Database db, ImageRepository.OrphanFilter filter) {
    return db.<List<ImageRecord>>read(c -> images.listOrphans(c, filter, null, 10)).stream()
        .map(ImageRecord::uuid)
        .toList();
  }

  /** The schema of {@code jdbc} migrated up to version {@code target} (included), no further. */
  private static Flyway migratedTo(Jdbc jdbc, String target) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(jdbc.url(), jdbc.user(), jdbc.password())
            .locations("classpath:db/migration")
            .target(target)
            .load();
    flyway.migrate();
    return flyway;
  }

  private static List<String> indexes(Database db, String table) {
    return db.read(
        c -> {
          List<String> names = new ArrayList<>();
          try (var rs = c.getMetaData().getIndexInfo(null, null, table, false, false)) {
            while (rs.next()) {
              names.add(String.valueOf(rs.getString("INDEX_NAME")).toLowerCase());
            }
          }
          return names;
        });
  }

  @Test
  void migrationsAreRecorded() throws Exception {
    int applied =
        db.read(
            c -> {
              try (var ps =
                      c.prepareStatement(
                          "SELECT COUNT(*) FROM flyway_schema_history WHERE success = TRUE");
                  var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
              }
            });
    assertThat(applied).isAtLeast(2);
    assertThat(db.isHealthy()).isTrue();
  }

  /**
   * A change that committed while its recheck failed (the database gone in between, as in an
   * outage): the first change after it settles that debt too, not only the next sweep.
   */
  @Test
  void aRecheckThatFailedIsSettledByTheNextChange() throws Exception {
    insert(image(uuid(1), SHA_A, null)); // not marked, yet no reference names it
    insert(image(uuid(2), SHA_B, null));
    OwedRecheck owed = OwedRecheck.of(Set.of(uuid(1)));
    db.inTransaction(
        c -> {
          images.owe(c, owed, T0);
          return null;
        });
    Database gone = open();
    gone.close();
    assertThrows(RuntimeException.class, () -> images.recheckOrphanMarks(gone, owed, T0 + 1));
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(1);

    images.recheckOrphanMarks(db, OwedRecheck.of(Set.of(uuid(2))), T0 + 2);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);
    assertThat(orphanedAt(uuid(1))).hasValue(T0 + 2);
    assertThat(orphanedAt(uuid(2))).hasValue(T0 + 2);
  }

  /** A change that committed and died before its recheck: the debt is found and settled. */
  @Test
  void aRecheckACrashLeftOwingIsSettledByTheSweep() {
    insert(image(uuid(1), SHA_A, null)); // not marked, yet no reference names it
    OwedRecheck owed = OwedRecheck.of(Set.of(uuid(1)));
    db.inTransaction(
        c -> {
          images.owe(c, owed, T0);
          return null;
        });
    // Owed: a recheck is coming, so it is not reported as out of step.
    assertThat(db.<List<String>>read(c -> images.marksOutOfStep(c, 10))).isEmpty();
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0))).isEqualTo(1);
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0 - 1))).isEqualTo(0);

    assertThat(images.recheckOwed(db, T0, 10, T0 + 5)).isEqualTo(1);
    assertThat(orphanedAt(uuid(1))).hasValue(T0 + 5);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);

    // Out of step with nothing owed (damage from outside): the consistency check finds it.
    db.read(
        c -> {
          images.setOrphanedAt(c, uuid(1), null);
          return null;
        });
    assertThat(db.<List<String>>read(c -> images.marksOutOfStep(c, 10))).containsExactly(uuid(1));
    assertThat(db.<Boolean>read(c -> images.marksOutOfStep(c, uuid(1)))).isTrue();
  }

  /**
   * A change's own recheck settles its whole debt by its token; the sweep may read a debt back in
   * parts (its limit cuts a token's rows) and then settles only the rows it rechecked.
   */
  @Test
  void aDebtReadBackInPartsIsSettledOnlyWhereRechecked() {
    insert(image(uuid(1), SHA_A, null)); // none of them referenced, none marked yet
    insert(image(uuid(2), SHA_B, null));
    insert(image(uuid(3), SHA_A, null));
    OwedRecheck owed = OwedRecheck.of(Set.of(uuid(1), uuid(2), uuid(3)));
    db.inTransaction(
        c -> {
          images.owe(c, owed, T0);
          return null;
        });
    assertThat(images.recheckOwed(db, T0, 2, T0 + 5)).isEqualTo(2);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(1);
    assertThat(db.<List<String>>read(c -> images.marksOutOfStep(c, 10))).isEmpty();

    assertThat(images.recheckOwed(db, T0, 2, T0 + 6)).isEqualTo(1);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);
    assertThat(List.of(orphanedAt(uuid(1)), orphanedAt(uuid(2)), orphanedAt(uuid(3))))
        .containsExactly(Optional.of(T0 + 5), Optional.of(T0 + 5), Optional.of(T0 + 6));

    // The change's own recheck: every row of its token settled at once.
    OwedRecheck whole = OwedRecheck.of(Set.of(uuid(1), uuid(2), uuid(3)));
    db.inTransaction(
        c -> {
          images.owe(c, whole, T0 + 7);
          return null;
        });
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(3);
    images.recheckOrphanMarks(db, whole, T0 + 8);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);
  }

  /**
   * A replace owes the images its inserted references name as one row, however many: a crash before
   * its recheck leaves that row, the images are owed (not out of step) until the sweep finds them
   * again through the references and settles it. Its removed images are owed a row each.
   */
  @Test
  void anImportOwesOneRowAndACrashLeftDebtIsFoundThroughItsReferences() {
    insert(image(uuid(1), SHA_A, T0 - 10)); // marked; the import names it twice
    insert(image(uuid(2), SHA_B, null)); // its last reference removed: not marked yet
    insert(image(uuid(3), SHA_A, T0 - 10)); // another project's import, whose references went
    List<ImageReference> imported =
        List.of(ref("p", "master", "a.ref.lnk", uuid(1)), ref("p", "rel", "b.ref.lnk", uuid(1)));
    OwedRecheck owed =
        OwedRecheck.ofImport(Set.of(uuid(2)), Set.of(uuid(1)), new ImportedReferences("p", T0));
    db.inTransaction(
        c -> {
          refs.insertIfAbsent(c, imported, T0);
          images.owe(c, owed, T0);
          images.owe(c, owed, T0); // owing twice is owing once
          return null;
        });
    // The crash: no recheck. One image owed by itself, one import.
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0))).isEqualTo(2);
    assertThat(db.<Integer>read(c -> images.countOwed(c, T0 - 1))).isEqualTo(0);
    assertThat(db.<List<String>>read(c -> images.marksOutOfStep(c, 10))).isEmpty();
    assertThat(db.<Boolean>read(c -> images.marksOutOfStep(c, uuid(1)))).isFalse();

    assertThat(images.recheckOwed(db, T0, 10, T0 + 5)).isEqualTo(2);
    assertThat(orphanedAt(uuid(1))).isEmpty(); // referenced: cleared
    assertThat(orphanedAt(uuid(2))).hasValue(T0 + 5); // named by nothing: marked
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);
    assertThat(db.<List<String>>read(c -> images.marksOutOfStep(c, 10))).isEmpty();

    // An import whose references are gone (removed by later changes, which owe their own
    // rechecks): its row is settled, its images left as they are.
    OwedRecheck gone =
        OwedRecheck.ofImport(Set.of(), Set.of(uuid(3)), new ImportedReferences("q", T0 + 1));
    db.inTransaction(
        c -> {
          images.owe(c, gone, T0 + 1);
          return null;
        });
    assertThat(images.recheckOwed(db, T0 + 1, 10, T0 + 6)).isEqualTo(1);
    assertThat(db.<Integer>read(c -> images.countOwed(c, Long.MAX_VALUE))).isEqualTo(0);
    assertThat(orphanedAt(uuid(3))).hasValue(T0 - 10);
  }

  // --- the content protocol: bytes before rows, deletion after the freeing commit ---

  /**
   * The steps of {@link Contents}, interleaved by hand the ways concurrent uploads, purges and
   * crashes interleave them: bytes go only after the change that frees them has committed, an
   * upload that loses its bytes to a finishing purge stores them again, a failed delete is finished
   * by the sweeper, and an abandoned upload's bytes are freed after the grace period.
   */
  @Test
  void contentBytesGoOnlyAfterTheFreeingCommitAndRacingUploadsStoreThemAgain() throws Exception {
    LocalBlobStore local = new LocalBlobStore(Files.createTempDirectory("blobs"));
    FailingDeletes blobs = new FailingDeletes(local);
    Contents steps = contentsOn(blobs);
    byte[] png = TestPngs.png(42);
    String sha = ImageId.sha256Hex(png);
    Path spooled = Files.write(Files.createTempFile(local.tmpDir(), "upload-", ".png"), png);

    storeBytes(steps, sha, png.length, spooled);
    assertThat(state(sha)).isEmpty(); // no row until a transaction records the content
    assertThat(db.<Boolean>inTransaction(c -> steps.confirm(c, sha, png.length))).isTrue();
    assertThat(state(sha)).hasValue(State.LIVE);

    // Freed: marked, bytes still there until the reclaim after the commit.
    assertThat(db.<Boolean>inTransaction(c -> steps.releaseIfUnheld(c, sha))).isTrue();
    assertThat(state(sha)).hasValue(State.DELETING);
    assertThat(local.exists(sha)).isTrue();
    // An upload of the same content confirms it first: the reclaim leaves it alone.
    storeBytes(steps, sha, png.length, spooled);
    assertThat(db.<Boolean>inTransaction(c -> steps.confirm(c, sha, png.length))).isTrue();
    assertThat(steps.reclaim(sha)).isFalse();
    assertThat(local.exists(sha)).isTrue();

    // Freed again, and this time the reclaim wins the race after the upload stored its bytes:
    // the upload's confirm says so, and the upload stores them again.
    assertThat(db.<Boolean>inTransaction(c -> steps.releaseIfUnheld(c, sha))).isTrue();
    storeBytes(steps, sha, png.length, spooled);
    assertThat(steps.reclaim(sha)).isTrue();
    assertThat(local.exists(sha)).isFalse();
    assertThat(db.<Boolean>inTransaction(c -> steps.confirm(c, sha, png.length))).isFalse();
    storeBytes(steps, sha, png.length, spooled);
    assertThat(db.<Boolean>inTransaction(c -> steps.confirm(c, sha, png.length))).isTrue();
    assertThat(local.exists(sha)).isTrue();

    // A content that something holds is not freed.
    insert(image(uuid(1), sha, null));
    assertThat(db.<Boolean>inTransaction(c -> steps.releaseIfUnheld(c, sha))).isFalse();
    db.read(c -> images.delete(c, uuid(1)));

    // The blob store fails the delete: the content stays deleting, its bytes in place, until the
    // sweeper finishes it.
    assertThat(db.<Boolean>inTransaction(c -> steps.releaseIfUnheld(c, sha))).isTrue();
    blobs.failing = true;
    assertThat(steps.reclaim(sha)).isFalse();
    assertThat(state(sha)).hasValue(State.DELETING);
    assertThat(local.exists(sha)).isTrue();
    blobs.failing = false;
    assertThat(steps.sweep(Duration.ofHours(1), 10).reclaimed()).isEqualTo(1);
    assertThat(state(sha)).isEmpty();
    assertThat(local.exists(sha)).isFalse();

    // An upload that stored its bytes and failed before its transaction: its note, settled, gives
    // the content a pending row, freed once the grace period has passed.
    try (Contents.UnrecordedBytes cut = steps.beginStore(sha, png.length)) {
      cut.put(spooled);
    } // neither recorded nor freed: the note is left
    assertThat(state(sha)).isEmpty();
    assertThat(steps.settleLeftNotes(10)).isEqualTo(1);
    assertThat(steps.settleLeftNotes(10)).isEqualTo(0);
    assertThat(state(sha)).hasValue(State.PENDING);
    assertThat(steps.sweep(Duration.ofHours(1), 10).total()).isEqualTo(0);
    assertThat(local.exists(sha)).isTrue();
    assertThat(steps.sweep(Duration.ZERO, 10).abandoned()).isEqualTo(1);
    assertThat(local.exists(sha)).isFalse();
    assertThat(state(sha)).isEmpty();
  }

  /** A purge whose transaction fails to commit leaves the trash entry and its bytes. */
  @Test
  void aPurgeThatFailsToCommitKeepsTheBytes() throws Exception {
    LocalBlobStore local = new LocalBlobStore(Files.createTempDirectory("blobs"));
    Contents steps = contentsOn(local);
    TrashService trash = trashService(local, steps);
    byte[] png = TestPngs.png(43);
    String sha = ImageId.sha256Hex(png);
    storeBytes(
        steps,
        sha,
        png.length,
        Files.write(Files.createTempFile(local.tmpDir(), "u-", ".png"), png));
    db.inTransaction(
        c -> {
          assertThat(steps.confirm(c, sha, png.length)).isTrue();
          images.insert(c, image(uuid(7), sha, T0));
          return null;
        });
    assertThat(trash.moveToTrash(ImageId.of(uuid(7)), Guard.FORCE, Actor.SYSTEM, "test")).isTrue();

    // Every purge's audit row is refused: its transaction cannot commit.
    execute("ALTER TABLE audit_log ADD CONSTRAINT no_purge CHECK (action <> 'purge')");
    assertThrows(
        RuntimeException.class, () -> trash.purge(ImageId.of(uuid(7)), Actor.SYSTEM, "test"));
    assertThat(trash.find(ImageId.of(uuid(7)))).isPresent();
    assertThat(local.exists(sha)).isTrue();
    assertThat(state(sha)).hasValue(State.LIVE);

    execute("ALTER TABLE audit_log DROP CONSTRAINT no_purge");
    assertThat(trash.purge(ImageId.of(uuid(7)), Actor.SYSTEM, "test"))
        .hasValue(image(uuid(7), sha, T0).size());
    assertThat(local.exists(sha)).isFalse();
    assertThat(state(sha)).isEmpty();
  }

  /**
   * A cleanup's batch: the images were selected, then changed before the batch's transaction. Under
   * its locks each is checked again, as the single-image move checks it: one referenced meanwhile,
   * one orphaned again from now (an upload of it), one no longer marked, one gone and one named
   * twice are left alone with the refusal the single move gives; the others move, an audit line
   * each.
   */
  @Test
  void aCleanupBatchChecksEachImageAgainUnderItsLock() throws Exception {
    LocalBlobStore local = new LocalBlobStore(Files.createTempDirectory("blobs"));
    TrashService trash = trashService(local, contentsOn(local));
    for (int n = 1; n <= 6; n++) {
      insert(image(uuid(n), n % 2 == 0 ? SHA_A : SHA_B, T0 - 1000));
    }
    List<ImageRecord> selected = new ArrayList<>();
    for (int n : new int[] {6, 1, 2, 3, 4, 5, 1}) {
      selected.add(db.read(c -> images.find(c, uuid(n))).orElseThrow());
    }
    db.inTransaction(
        c -> refs.insertIfAbsent(c, List.of(ref("p", "master", "2.lnk", uuid(2))), T0));
    db.inTransaction(
        c -> {
          images.setOrphanedAt(c, uuid(3), T0 + 1); // in the grace period again
          images.clearOrphanMarks(c, List.of(uuid(4)));
          return null;
        });
    assertThat(trash.moveToTrash(ImageId.of(uuid(5)), Guard.FORCE, Actor.SYSTEM, "other")).isTrue();

    TrashService.Batch<ImageRecord> batch =
        trash.moveToTrash(selected, Guard.ORPHAN_PAST_GRACE, Actor.SYSTEM, "cleanup");

    assertThat(batch.done().stream().map(ImageRecord::uuid).toList())
        .containsExactly(uuid(6), uuid(1))
        .inOrder();
    assertThat(batch.refused().stream().map(r -> r.uuid() + " " + r.why().code()).toList())
        .containsExactly(
            uuid(2) + " referenced",
            uuid(3) + " in_grace_period",
            uuid(4) + " not_orphaned",
            uuid(5) + " not_found",
            uuid(1) + " not_found")
        .inOrder();
    AuditLog audit = new AuditLog(db);
    for (int n : new int[] {1, 6}) {
      assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(n)))).isEmpty();
      assertThat(trash.find(ImageId.of(uuid(n))).orElseThrow().image().orphanedAt())
          .isEqualTo(T0 - 1000);
      List<AuditEntry> lines = audit.list(null, uuid(n), 10);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).action()).isEqualTo(AuditLog.TRASH);
      assertThat(lines.get(0).detail()).isEqualTo("cleanup");
      assertThat(lines.get(0).sha256()).isEqualTo(n == 6 ? SHA_A : SHA_B);
    }
    for (int n : new int[] {2, 3, 4}) {
      assertThat(db.<Optional<ImageRecord>>read(c -> images.find(c, uuid(n)))).isPresent();
      assertThat(audit.list(null, uuid(n), 10)).isEmpty();
    }
  }

  /**
   * A purge's batch: entries selected, then two of them brought back (a reference to one, an upload
   * of the other) before the batch's transaction: those are left alone, not in the trash any more.
   * The others go, an audit line each; a content goes with the last entry holding it (its bytes
   * after the commit), a content an image holds again stays.
   */
  @Test
  void aPurgeBatchSkipsEntriesBroughtBackAndDeletesBytesAfterItsCommit() throws Exception {
    LocalBlobStore local = new LocalBlobStore(Files.createTempDirectory("blobs"));
    Contents steps = contentsOn(local);
    TrashService trash = trashService(local, steps);
    String[] shas = new String[3];
    long[] sizes = new long[3];
    for (int i = 0; i < 3; i++) {
      byte[] png = TestPngs.png(60 + i);
      shas[i] = ImageId.sha256Hex(png);
      sizes[i] = png.length;
      storeBytes(
          steps,
          shas[i],
          png.length,
          Files.write(Files.createTempFile(local.tmpDir(), "u-", ".png"), png));
    }
    // Entries 1 and 2 share content 0, 3 has content 1, 4 and 5 share content 2.
    int[] contentOf = {0, 0, 0, 1, 2, 2};
    db.inTransaction(
        c -> {
          for (int i = 0; i < 3; i++) {
            assertThat(steps.confirm(c, shas[i], sizes[i])).isTrue();
          }
          for (int n = 1; n <= 5; n++) {
            images.insert(c, image(uuid(n), shas[contentOf[n]], T0));
          }
          return null;
        });
    List<ImageRecord> all = new ArrayList<>();
    for (int n : new int[] {1, 2, 3, 4, 5}) {
      all.add(db.read(c -> images.find(c, uuid(n))).orElseThrow());
    }
    assertThat(trash.moveToTrash(all, Guard.FORCE, Actor.SYSTEM, "test").done()).hasSize(5);
    List<TrashRecord> selected = trash.list(null, 10);
    assertThat(selected).hasSize(5);

    db.inTransaction(
        c -> {
          refs.insertIfAbsent(c, List.of(ref("p", "master", "4.lnk", uuid(4))), T0);
          return trash.restoreReferenced(c, List.of(uuid(4)), Actor.SYSTEM);
        });
    trash.restore(ImageId.of(uuid(5)), Actor.SYSTEM, "uploaded again");

    TrashService.Batch<TrashService.PurgedEntry> batch =
        trash.purge(selected, Actor.SYSTEM, "purge");

    assertThat(batch.done().stream().map(p -> p.image().uuid()).toList())
        .containsExactly(uuid(1), uuid(2), uuid(3))
        .inOrder();
    assertThat(batch.done().stream().map(TrashService.PurgedEntry::bytesFreed).toList())
        .containsExactly(0L, all.get(1).size(), all.get(2).size())
        .inOrder();
    assertThat(batch.refused().stream().map(r -> r.uuid() + " " + r.why().code()).toList())
        .containsExactly(uuid(4) + " not_found", uuid(5) + " not_found")
        .inOrder();
    assertThat(local.exists(shas[0])).isFalse();
    assertThat(local.exists(shas[1])).isFalse();
    assertThat(state(shas[0])).isEmpty();
    assertThat(state(shas[1])).isEmpty();
    assertThat(local.exists(shas[2])).isTrue();
    assertThat(state(shas[2])).hasValue(State.LIVE);
    AuditLog audit = new AuditLog(db);
    for (int n = 1; n <= 5; n++) {
      List<String> purges =
          audit.list(null, uuid(n), 10).stream()
              .filter(a -> a.action().equals(AuditLog.PURGE))
              .map(a -> a.detail() + " " + a.bytesFreed())
              .toList();
      assertThat(purges)
          .containsExactlyElementsIn(
              n > 3 ? List.of() : List.of("purge " + batch.done().get(n - 1).bytesFreed()));
    }
    assertThat(trash.list(null, 10)).isEmpty();
    // The batch of one: what DELETE /trash/{uuid} does.
    assertThat(trash.purge(ImageId.of(uuid(1)), Actor.SYSTEM, "again")).isEmpty();
  }

  /**
   * Uploads waiting while an upload's transaction runs are recorded in the next one, together, and
   * each answers what it would one after the other: a new id, the same id and bytes again (exists),
   * the same id with other bytes (409), an existing id with other bytes (409), the same bytes under
   * another id, an existing image again. A refusal records nothing: its bytes go.
   */
  @Test
  void uploadsWaitingTogetherShareOneTransactionAndEachAnswersAsIfAlone() throws Exception {
    Uploads f = new Uploads(1, 1);
    LocalBlobStore local = f.local;
    HeldTrash held = f.held;
    ImageService service = f.service;
    assertThat(store(service, local, 2, 2)).isEqualTo(ImageService.StoreOutcome.CREATED);
    // Queued in this order behind the upload of trashed uuid(1), whose transaction waits inside.
    Queued queued =
        queueBehindHeldUpload(
            service,
            local,
            held,
            1,
            new int[][] {{10, 10}, {10, 10}, {10, 11}, {2, 12}, {11, 10}, {2, 2}},
            () -> {});
    assertThat(queued.answers())
        .containsExactly(
            ImageService.StoreOutcome.CREATED,
            ImageService.StoreOutcome.EXISTS,
            "id_taken",
            "id_taken",
            ImageService.StoreOutcome.CREATED,
            ImageService.StoreOutcome.EXISTS)
        .inOrder();
    // The six in one transaction after the first's.
    assertThat(queued.transactions()).isEqualTo(1);
    assertThat(imageSha(1)).isEqualTo(pngSha(1));
    assertThat(imageSha(2)).isEqualTo(pngSha(2));
    assertThat(imageSha(10)).isEqualTo(pngSha(10));
    assertThat(imageSha(11)).isEqualTo(pngSha(10));
    assertThat(state(pngSha(10))).hasValue(State.LIVE);
    for (int refused : new int[] {11, 12}) {
      assertThat(state(pngSha(refused))).isEmpty();
      assertThat(local.exists(pngSha(refused))).isFalse();
    }
    assertThat(owedRechecks()).isEqualTo(0);
    assertThat(orphanIds(T0 + 1)).containsExactly(uuid(1), uuid(2), uuid(10), uuid(11));
  }

  /**
   * An id inserted by another transaction after a shared upload transaction probed it: the insert
   * fails the shared transaction (on PostgreSQL an error aborts it whole), each upload runs again
   * alone, and only the one whose id was taken is refused.
   */
  @Test
  void anIdTakenMeanwhileFailsOnlyItsOwnUpload() throws Exception {
    Uploads f = new Uploads(2, 1, 3);
    LocalBlobStore local = f.local;
    HeldTrash held = f.held;
    ImageService service = f.service;
    TrashService trash = f.trash;
    // The upload of trashed uuid(3) holds the shared transaction after every id was probed.
    Queued queued =
        queueBehindHeldUpload(
            service,
            local,
            held,
            1,
            new int[][] {{20, 20}, {21, 21}, {3, 3}, {22, 22}},
            () -> {
              assertThat(held.running.get(1).await(30, TimeUnit.SECONDS)).isTrue();
              insert(image(uuid(21), SHA_A, null)); // committed meanwhile by another transaction
              held.release.get(1).countDown();
            });
    assertThat(queued.answers())
        .containsExactly(
            ImageService.StoreOutcome.CREATED,
            "id_taken",
            ImageService.StoreOutcome.CREATED,
            ImageService.StoreOutcome.CREATED)
        .inOrder();
    // The shared one failed; then each of its four alone.
    assertThat(queued.transactions()).isEqualTo(5);
    assertThat(imageSha(20)).isEqualTo(pngSha(20));
    assertThat(imageSha(21)).isEqualTo(SHA_A);
    assertThat(imageSha(3)).isEqualTo(pngSha(3));
    assertThat(imageSha(22)).isEqualTo(pngSha(22));
    assertThat(state(pngSha(21))).isEmpty();
    assertThat(trash.find(ImageId.of(uuid(3)))).isEmpty();
    assertThat(owedRechecks()).isEqualTo(0);
  }

  /** What {@link #queueBehindHeldUpload} saw. */
  private record Queued(List<Object> answers, long transactions) {}

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  /**
   * Starts the upload of trashed uuid({@code first}), whose transaction {@code held} holds, queues
   * {@code uploads} ({id, seed} each) behind it in this order, releases it, runs {@code then}, and
   * returns the queued uploads' answers and how many transactions they took.
   */
  private Queued queueBehindHeldUpload(
      ImageService service,
      LocalBlobStore local,
      HeldTrash held,
      int first,
      int[][] uploads,
      Step then)
      throws Exception {
    GroupCommit<?> commits = service.uploadCommits();
    ExecutorService pool = Executors.newFixedThreadPool(uploads.length + 1);
    try {
      Future<Object> held0 = pool.submit(() -> storeOrRefusal(service, local, first, first));
      assertThat(held.running.get(0).await(30, TimeUnit.SECONDS)).isTrue();
      long before = commits.transactions();
      List<Future<Object>> answers = new ArrayList<>();
      for (int[] u : uploads) {
        answers.add(pool.submit(() -> storeOrRefusal(service, local, u[0], u[1])));
        awaitWaiting(commits, answers.size());
      }
      held.release.get(0).countDown();
      assertThat(held0.get(60, TimeUnit.SECONDS)).isEqualTo(ImageService.StoreOutcome.CREATED);
      then.run();
      List<Object> got = new ArrayList<>();
      for (Future<Object> f : answers) {
        got.add(f.get(60, TimeUnit.SECONDS));
      }
      return new Queued(got, commits.transactions() - before);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * An image service on a local blob store whose first {@code heldLookups} trash lookups wait until
   * released ({@link HeldTrash}), with images uuid(n) of TestPngs.png(n) in the trash for each of
   * {@code trashed}.
   */
  private final class Uploads {
    final LocalBlobStore local;
    final Contents steps;
    final TrashService trash;
    final HeldTrash held;
    final ImageService service;

    Uploads(int heldLookups, int... trashed) throws IOException {
      local = new LocalBlobStore(Files.createTempDirectory("blobs"));
      steps = contentsOn(local);
      trash = trashService(local, steps);
      held = new HeldTrash(trash, heldLookups);
      service =
          new ImageService(
              db, local, images, refs, held, steps, new RecentLookups(), new AuditLog(db), clock);
      for (int n : trashed) {
        assertThat(store(service, local, n, n)).isEqualTo(ImageService.StoreOutcome.CREATED);
        assertThat(trash.moveToTrash(ImageId.of(uuid(n)), Guard.FORCE, Actor.SYSTEM, "t")).isTrue();
      }
    }
  }

  /** Stores TestPngs.png(seed) as uuid(id). */
  private static ImageService.StoreOutcome store(
      ImageService service, LocalBlobStore local, int id, int seed) throws IOException {
    try (IncomingImage in =
        IncomingImage.receive(
            new ByteArrayInputStream(TestPngs.png(seed)), local.tmpDir(), 1 << 20, 1 << 24)) {
      return service.store(in, ImageId.of(uuid(id)), ImageService.Metadata.NONE, Actor.SYSTEM);
    }
  }

  /**
   * Uploads authenticate from an account row read seconds before (a statement less each); the
   * transaction that records an upload confirms the account. So a password change, a role taken
   * away or a removal by another process (the command line, another replica: here a second
   * UserService on the same database) refuses every upload that commits after it, new content or
   * not, and the refused upload leaves nothing.
   */
  @Test
  void uploadsConfirmTheirAccountInTheTransactionThatRecordsThem() throws Exception {
    AtomicLong nanos = new AtomicLong();
    UserService replica = new UserService(db, clock, new FakeTicker(nanos));
    UserService elsewhere = new UserService(db, clock);
    elsewhere.put("ci", "first password".toCharArray(), EnumSet.of(Role.UPLOADER));
    Uploads u = new Uploads(0);
    User ci = replica.authenticateProvisionally("ci", "first password", Role.UPLOADER).get();
    assertThat(ci.stamp()).isNotNull();
    assertThat(ci.stamp().toString()).doesNotContain(ci.stamp().passwordHash());
    assertThat(storeAs(u, ci, 31, 31)).isEqualTo("CREATED");
    assertThat(replica.authenticateProvisionally("ci", "wrong password", Role.UPLOADER)).isEmpty();

    elsewhere.put("ci", "second password".toCharArray(), EnumSet.of(Role.UPLOADER));
    // This replica still lets the old password in, from the row it read...
    User stale = replica.authenticateProvisionally("ci", "first password", Role.UPLOADER).get();
    assertThat(stale.stamp()).isEqualTo(ci.stamp());
    // ...but nothing it lets in commits: neither new content nor content the store has.
    assertThat(storeAs(u, stale, 32, 32)).isEqualTo("account_changed");
    assertThat(storeAs(u, stale, 31, 31)).isEqualTo("account_changed");
    assertThat(db.read(c -> images.find(c, uuid(32))).isPresent()).isFalse();
    assertThat(state(pngSha(32))).isEmpty();
    assertThat(u.local.exists(pngSha(32))).isFalse();
    // The new password reads the account afresh.
    User renewed = replica.authenticateProvisionally("ci", "second password", Role.UPLOADER).get();
    assertThat(storeAs(u, renewed, 32, 32)).isEqualTo("CREATED");

    execute("UPDATE users SET roles = 'indexer' WHERE name = 'ci'");
    assertThat(storeAs(u, renewed, 33, 33)).isEqualTo("account_changed");
    execute("UPDATE users SET roles = 'admin' WHERE name = 'ci'"); // an admin may upload
    assertThat(storeAs(u, renewed, 33, 33)).isEqualTo("CREATED");

    // An admin's import: the stamp asks for the admin role, which an uploader lacks.
    User admin = replica.authenticateProvisionally("ci", "second password", Role.ADMIN).get();
    execute("UPDATE users SET roles = 'uploader' WHERE name = 'ci'");
    assertThat(storeAs(u, admin, 36, 36)).isEqualTo("account_changed");
    assertThat(storeAs(u, renewed, 36, 36)).isEqualTo("CREATED");

    assertThat(elsewhere.remove("ci")).isTrue();
    assertThat(storeAs(u, renewed, 34, 34)).isEqualTo("account_changed");
    assertThat(db.read(c -> images.find(c, uuid(34))).isPresent()).isFalse();
    // The row read before still lets the password in, for at most UserService.ACCOUNT_TTL...
    assertThat(replica.authenticateProvisionally("ci", "second password", Role.UPLOADER))
        .isPresent();
    nanos.addAndGet(UserService.ACCOUNT_TTL.toNanos() + 1);
    // ...then it is read again.
    assertThat(replica.authenticateProvisionally("ci", "second password", Role.UPLOADER)).isEmpty();
    assertThat(replica.authenticate("ci", "second password")).isEmpty();
    // Uploads with an account read for the request (the command line's, say) carry no stamp.
    assertThat(store(u.service, u.local, 35, 35)).isEqualTo(ImageService.StoreOutcome.CREATED);
    assertThat(u.steps.settleLeftNotes(10)).isEqualTo(0);
  }

  /**
   * What an upload leaves when it does not record its bytes: refused, its new content goes at once;
   * its transaction failed, the bytes stay with a note, which the sweep turns into a pending row,
   * freed after the grace period. Never bytes that only a listing of every blob would find.
   */
  @Test
  void anUploadThatRecordsNothingLeavesNoStrayBytes() throws Exception {
    Uploads u = new Uploads(0);
    assertThat(store(u.service, u.local, 1, 1)).isEqualTo(ImageService.StoreOutcome.CREATED);
    assertThat(state(pngSha(1))).hasValue(State.LIVE);

    // Refused: the id holds other bytes. The new content had no row; it is gone with its bytes.
    assertThat(storeOrRefusal(u.service, u.local, 1, 2)).isEqualTo("id_taken");
    assertThat(u.local.exists(pngSha(2))).isFalse();
    assertThat(state(pngSha(2))).isEmpty();
    assertThat(u.steps.settleLeftNotes(10)).isEqualTo(0);

    // The transaction fails (a constraint refuses the image): the bytes stay, and a note for them.
    execute("ALTER TABLE images ADD CONSTRAINT refuse_three CHECK (uuid <> '" + uuid(3) + "')");
    assertThrows(RuntimeException.class, () -> store(u.service, u.local, 3, 3));
    execute("ALTER TABLE images DROP CONSTRAINT refuse_three");
    assertThat(u.local.exists(pngSha(3))).isTrue();
    assertThat(state(pngSha(3))).isEmpty();
    assertThat(u.steps.settleLeftNotes(10)).isEqualTo(1);
    assertThat(state(pngSha(3))).hasValue(State.PENDING);
    assertThat(u.steps.sweep(Duration.ZERO, 10).abandoned()).isEqualTo(1);
    assertThat(u.local.exists(pngSha(3))).isFalse();
    assertThat(state(pngSha(3))).isEmpty();

    // Uploaded again later: stored as any new content.
    assertThat(store(u.service, u.local, 3, 3)).isEqualTo(ImageService.StoreOutcome.CREATED);
    assertThat(state(pngSha(3))).hasValue(State.LIVE);
    assertThat(u.steps.settleLeftNotes(10)).isEqualTo(0);
  }

  /** {@link #store}'s outcome, or the code of its refusal. */
  private static Object storeOrRefusal(ImageService service, LocalBlobStore local, int id, int seed)
      throws IOException {
    try {
      return store(service, local, id, seed);
    } catch (ConflictException e) {
      return e.code();
    }
  }

  /** A ticker that stands still until a test moves it. */
  private static final class FakeTicker extends Ticker {
    private final AtomicLong nanos;

    FakeTicker(AtomicLong nanos) {
      this.nanos = nanos;
    }

    @Override
    public long read() {
      return nanos.get();
    }
  }

  /** Stores TestPngs.png(seed) as uuid(id) for {@code user}: the outcome, or the refusal's code. */
  private static String storeAs(Uploads u, User user, int id, int seed) throws IOException {
    try (IncomingImage in =
        IncomingImage.receive(
            new ByteArrayInputStream(TestPngs.png(seed)), u.local.tmpDir(), 1 << 20, 1 << 24)) {
      return u.service
          .store(
              in,
              ImageId.of(uuid(id)),
              ImageService.Metadata.NONE,
              new Actor(user.name(), "192.0.2.1", user.stamp()))
          .name();
    } catch (DomainException e) {
      return e.code();
    }
  }

  private static String pngSha(int seed) {
    return ImageId.sha256Hex(TestPngs.png(seed));
  }

  private String imageSha(int id) {
    return db.read(c -> images.find(c, uuid(id))).orElseThrow().sha256();
  }

  private long owedRechecks() {
    return db.read(c -> Sql.on(c, "SELECT COUNT(*) FROM orphan_rechecks").number());
  }

  /**
   * The trash as uploads see it, whose first {@code held} lookups wait (inside their upload's
   * transaction) until released, so that other uploads queue meanwhile.
   */
  private static final class HeldTrash implements TrashedImages {
    final TrashedImages trash;
    final List<CountDownLatch> running = new ArrayList<>();
    final List<CountDownLatch> release = new ArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    HeldTrash(TrashedImages trash, int held) {
      this.trash = trash;
      for (int i = 0; i < held; i++) {
        running.add(new CountDownLatch(1));
        release.add(new CountDownLatch(1));
      }
    }

    @Override
    public Optional<ImageRecord> findTrashedForUpdate(Connection c, String uuid)
        throws SQLException {
      int call = calls.getAndIncrement();
      if (call < running.size()) {
        running.get(call).countDown();
        try {
          assertThat(release.get(call).await(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return trash.findTrashedForUpdate(c, uuid);
    }

    @Override
    public boolean restoreInTransaction(Connection c, String uuid, Actor actor, String detail)
        throws SQLException {
      return trash.restoreInTransaction(c, uuid, actor, detail);
    }
  }

  private Optional<State> state(String sha) {
    return db.inTransaction(c -> contents.lock(c, sha));
  }

  private void execute(String sql) {
    db.read(
        c -> {
          try (var st = c.createStatement()) {
            return st.executeUpdate(sql);
          }
        });
  }

  private TrashService trashService(BlobStore blobs, Contents steps) {
    return trashService(blobs, steps, Duration.ZERO);
  }

  private TrashService trashService(BlobStore blobs, Contents steps, Duration orphanGracePeriod) {
    return new TrashService(
        db,
        blobs,
        steps,
        images,
        refs,
        new TrashRepository(),
        new AuditLog(db),
        new RecentLookups(),
        orphanGracePeriod,
        Duration.ofDays(30),
        clock);
  }

  /** The real local store, whose deletes fail while {@link #failing} (a blob store outage). */
  private static final class FailingDeletes extends ForwardingBlobStore {
    volatile boolean failing;

    FailingDeletes(BlobStore store) {
      super(store);
    }

    @Override
    public boolean delete(String sha256) throws IOException {
      if (failing) {
        throw new IOException("injected: the blob store is unavailable");
      }
      return super.delete(sha256);
    }
  }
}
