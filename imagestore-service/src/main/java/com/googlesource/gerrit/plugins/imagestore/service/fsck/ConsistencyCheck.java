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

package com.googlesource.gerrit.plugins.imagestore.service.fsck;

import com.google.common.flogger.FluentLogger;
import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore.StoredBlob;
import com.googlesource.gerrit.plugins.imagestore.service.blob.SpoolDirectory;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository.ContentRow;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository.State;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.OwedRecheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The consistency check ({@code imagestore fsck}): compares what the database says is stored with
 * what the blob store holds, and finds what crashes left behind.
 *
 * <p>It walks the store one slice of content keys at a time (the first two hex digits), so memory
 * stays bounded on a store of millions of images. Safe to run while the service runs: every repair
 * goes through the same locked steps as the service ({@link Contents}).
 */
public final class ConsistencyCheck {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** How many slices the key space is walked in: every two-digit hex prefix. */
  public static final int SLICES = 256;

  /** How long bytes without a row, or a row whose upload never finished, may be in flight. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  private final Database db;
  private final Contents contents;
  private final ImageRepository images;
  private final ContentRepository rows;
  private final BlobStore blobs;
  private final Path spoolBase;
  private final Clock clock;

  /**
   * @param spoolBase where upload spool directories live (stale ones are reported), or null
   */
  public ConsistencyCheck(
      Database db, Contents contents, ImageRepository images, Path spoolBase, Clock clock) {
    this.db = db;
    this.contents = contents;
    this.images = images;
    this.rows = contents.rows();
    this.blobs = contents.blobs();
    this.spoolBase = spoolBase;
    this.clock = clock;
  }

  /** What the check was asked to do. */
  public record Options(boolean repair, boolean verifyContent, Duration grace) {}

  /**
   * The fast check that {@code serve} runs at start: rechecks the orphan marks that changes cut by
   * a crash still owe, finishes deletions that a crash interrupted and frees uploads abandoned for
   * longer than {@code grace}. Stale spool files are removed when the spool directory is opened. It
   * reads no listing, so it takes no longer on a large store.
   */
  public void fast(Duration grace) {
    try {
      settleLeftNotes(100_000);
      images.recheckOwed(db, clock.millis(), 100_000, clock.millis());
      contents.sweep(grace, 100_000);
    } catch (RuntimeException e) {
      // Never a reason not to start: the periodic sweep tries again.
      logger.atWarning().withCause(e).log("the start-up check could not finish");
    }
  }

  /** How long a change may take to settle its owed recheck before the sweep does it. */
  static final Duration OWED_RECHECK_AGE = Duration.ofMinutes(1);

  /** The periodic sweep, with the trash purge: the same as the start-up check, bounded. */
  public void sweep() {
    long now = clock.millis();
    settleLeftNotes(10_000);
    images.recheckOwed(db, now - OWED_RECHECK_AGE.toMillis(), 10_000, now);
    contents.sweep(DEFAULT_GRACE, 10_000);
  }

  /**
   * Removes what dead processes left in the spool (a start does too, but replicas sharing the spool
   * base start seldom), then settles the notes of uploads they or failures cut.
   */
  private void settleLeftNotes(int limit) {
    try {
      if (spoolBase != null) {
        SpoolDirectory.removeAllStale(spoolBase);
      }
      contents.settleLeftNotes(limit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The full check; {@code progress} hears after each slice. */
  public Report run(Options options, Consumer<Progress> progress) throws IOException {
    Report report = new Report(options.repair());
    Instant now = clock.instant();
    checkSpool(report, options, now);
    checkOrphanMarks(report, options, now);
    for (int slice = 0; slice < SLICES; slice++) {
      String prefix = String.format("%02x", slice);
      checkSlice(prefix, report, options, now);
      progress.accept(new Progress(slice + 1, SLICES, report.blobsSeen, report.rowsSeen));
    }
    return report;
  }

  /** Where a check is. */
  public record Progress(int slicesDone, int slices, long blobs, long rows) {}

  private void checkSpool(Report report, Options options, Instant now) throws IOException {
    if (spoolBase == null) {
      return;
    }
    for (Path stale : SpoolDirectory.stale(spoolBase, now)) {
      report.found(Finding.STALE_SPOOL, stale.getFileName().toString());
      if (options.repair()) {
        SpoolDirectory.removeStale(spoolBase, stale);
        report.repairedOne(Finding.STALE_SPOOL);
      }
    }
    // Notes of uploads cut by a crash (moved out of their stale directories above, or left by a
    // failure): their bytes get pending rows, which the check of the blobs then judges.
    for (SpoolDirectory.LeftNote note : SpoolDirectory.leftNotes(spoolBase, Integer.MAX_VALUE)) {
      report.found(Finding.LEFT_NOTE, note.name());
    }
    if (options.repair()) {
      report.repaired(Finding.LEFT_NOTE, contents.settleLeftNotes(Integer.MAX_VALUE));
    }
  }

  /**
   * Orphan marks: rechecks owed by changes a crash cut (older than a running change takes to
   * settle), and marks that disagree with the references although nothing owes them a recheck.
   */
  private void checkOrphanMarks(Report report, Options options, Instant now) {
    long before = now.toEpochMilli() - OWED_RECHECK_AGE.toMillis();
    int owed = db.read(c -> images.countOwed(c, before));
    for (int i = 0; i < owed; i++) {
      report.found(Finding.OWED_RECHECK, "owed since before " + Instant.ofEpochMilli(before));
    }
    if (options.repair() && owed > 0) {
      int done = images.recheckOwed(db, before, Integer.MAX_VALUE, clock.millis());
      for (int i = 0; i < Math.min(done, owed); i++) {
        report.repairedOne(Finding.OWED_RECHECK);
      }
    }
    for (String uuid : db.read(c -> images.marksOutOfStep(c, 100_000))) {
      // A change committed after the query may have settled it meanwhile: look once more.
      if (!db.read(c -> images.marksOutOfStep(c, uuid))) {
        continue;
      }
      report.found(Finding.MARK_OUT_OF_STEP, "image " + uuid);
      if (options.repair()) {
        images.recheckOrphanMarks(db, OwedRecheck.of(Set.of(uuid)), clock.millis());
        report.repairedOne(Finding.MARK_OUT_OF_STEP);
      }
    }
  }

  private void checkSlice(String prefix, Report report, Options options, Instant now)
      throws IOException {
    // The database first, then the listing: bytes are stored before any row names them, so every
    // row read here has its bytes in the listing unless they really are missing (or were deleted
    // meanwhile, which confirmMissing tells apart); bytes newer than the rows look in flight.
    Map<String, ContentRow> contentRows = db.read(c -> rows.rowsWithPrefix(c, prefix));
    Map<String, String> images = db.read(c -> rows.holdersWithPrefix(c, "images", prefix));
    Map<String, String> trash = db.read(c -> rows.holdersWithPrefix(c, "trash", prefix));
    Set<String> diffPictures = db.read(c -> rows.diffPicturesWithPrefix(c, prefix));
    Map<String, StoredBlob> stored = new HashMap<>();
    blobs.list(prefix, b -> stored.put(b.sha256(), b));
    report.blobsSeen += stored.size();
    report.rowsSeen += contentRows.size() + images.size() + trash.size();
    long graceStart = now.toEpochMilli() - options.grace().toMillis();

    Set<String> held = new HashSet<>(images.values());
    held.addAll(trash.values());
    checkHolders(images, "image", stored, contentRows, report, options);
    checkHolders(trash, "trash entry", stored, contentRows, report, options);

    for (ContentRow row : contentRows.values()) {
      StoredBlob bytes = stored.get(row.sha256());
      if (held.contains(row.sha256())) {
        if (bytes != null && bytes.size() != row.size()) {
          report.found(
              Finding.WRONG_SIZE,
              row.sha256() + " is " + bytes.size() + " bytes, recorded " + row.size());
        } else if (bytes != null && options.verifyContent() && !hashMatches(row.sha256())) {
          report.found(Finding.WRONG_CONTENT, row.sha256());
        } else if (bytes != null && row.state() != State.LIVE) {
          // Held and present: only an interrupted older version leaves this. Live is what it is.
          report.found(Finding.HELD_NOT_LIVE, row.sha256() + " (" + row.state() + ")");
          if (options.repair()) {
            markLive(row.sha256());
            report.repairedOne(Finding.HELD_NOT_LIVE);
          }
        }
        continue;
      }
      if (row.state() == State.DELETING) {
        report.found(Finding.UNFINISHED_DELETION, row.sha256());
        if (options.repair() && contents.reclaim(row.sha256())) {
          report.repairedOne(Finding.UNFINISHED_DELETION);
        }
      } else if (row.state() == State.PENDING && row.stateAt() > graceStart) {
        report.found(Finding.IN_FLIGHT, row.sha256());
      } else {
        report.found(Finding.UNHELD_CONTENT, row.sha256() + " (" + row.state() + ")");
        if (options.repair() && contents.dropIfUnheld(row.sha256())) {
          report.repairedOne(Finding.UNHELD_CONTENT);
        }
      }
    }

    for (StoredBlob bytes : stored.values()) {
      if (contentRows.containsKey(bytes.sha256()) || held.contains(bytes.sha256())) {
        continue;
      }
      if (diffPictures.contains(bytes.sha256())) {
        continue;
      }
      if (bytes.lastModified().toEpochMilli() > graceStart) {
        report.found(Finding.IN_FLIGHT, bytes.sha256());
        continue;
      }
      report.found(Finding.STRAY_BYTES, bytes.sha256() + " (" + bytes.size() + " bytes)");
      if (options.repair() && deleteStray(bytes)) {
        report.repairedOne(Finding.STRAY_BYTES);
      }
    }

    for (String picture : diffPictures) {
      if (!stored.containsKey(picture)) {
        report.found(Finding.MISSING_DIFF_PICTURE, picture);
        if (options.repair()) {
          db.inTransaction(c -> rows.deleteDiffsWithPicture(c, picture));
          report.repairedOne(Finding.MISSING_DIFF_PICTURE);
        }
      }
    }
  }

  private void checkHolders(
      Map<String, String> holders,
      String what,
      Map<String, StoredBlob> stored,
      Map<String, ContentRow> contentRows,
      Report report,
      Options options) {
    for (Map.Entry<String, String> h : holders.entrySet()) {
      String uuid = h.getKey();
      String sha = h.getValue();
      StoredBlob bytes = stored.get(sha);
      if (bytes == null) {
        if (confirmMissing(sha)) {
          report.found(Finding.MISSING_BYTES, what + " " + uuid + " (content " + sha + ")");
        }
      } else if (!contentRows.containsKey(sha)) {
        report.found(Finding.NO_CONTENT_ROW, what + " " + uuid + " (content " + sha + ")");
        if (options.repair()) {
          db.inTransaction(
              c -> rows.insertIfAbsent(c, sha, bytes.size(), State.LIVE, clock.millis()));
          // Adopted: the next slice of the same key sees it; count it once here.
          contentRows.put(sha, new ContentRow(sha, bytes.size(), State.LIVE, clock.millis()));
          report.repairedOne(Finding.NO_CONTENT_ROW);
        }
      }
    }
  }

  /** Whether, under the content's lock, something still holds it and its bytes are not there. */
  private boolean confirmMissing(String sha) {
    return db.inTransaction(
        c -> {
          rows.lock(c, sha);
          try {
            return rows.holders(c, sha) > 0 && !blobs.exists(sha);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private boolean hashMatches(String sha) {
    try {
      Optional<InputStream> in = blobs.open(sha);
      if (in.isEmpty()) {
        return true; // deleted meanwhile; not a corruption
      }
      try (HashingInputStream hashing = new HashingInputStream(Hashing.sha256(), in.get())) {
        hashing.transferTo(OutputStream.nullOutputStream());
        return hashing.hash().toString().equals(sha);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void markLive(String sha) {
    db.inTransaction(
        c -> {
          if (rows.lock(c, sha).isPresent() && rows.holders(c, sha) > 0) {
            rows.setState(c, sha, State.LIVE, clock.millis());
          }
          return null;
        });
  }

  /**
   * Deletes bytes no row names: a row is made for them in state {@code deleting} first, so an
   * upload of the same content that starts meanwhile either finds the row and confirms the bytes,
   * or finds them gone and stores them again ({@link Contents#confirm}).
   */
  private boolean deleteStray(StoredBlob bytes) {
    boolean claimed =
        db.inTransaction(
            c ->
                rows.insertIfAbsent(
                    c, bytes.sha256(), bytes.size(), State.DELETING, clock.millis()));
    return claimed && contents.reclaim(bytes.sha256());
  }

  /** The kinds of finding, and whether each is a problem. */
  public enum Finding {
    MISSING_BYTES("images or trash entries whose bytes are missing", true, false),
    WRONG_SIZE("stored bytes whose size differs from the recorded size", true, false),
    WRONG_CONTENT("stored bytes whose SHA-256 differs from their key", true, false),
    NO_CONTENT_ROW("held contents without a blobs row (adopted on repair)", true, true),
    HELD_NOT_LIVE("held contents not marked live", true, true),
    UNFINISHED_DELETION("deletions a crash or failure interrupted", true, true),
    UNHELD_CONTENT("contents no image or trash entry holds", true, true),
    STRAY_BYTES("bytes no row names, older than the grace period", true, true),
    MISSING_DIFF_PICTURE("stored diffs whose picture is missing (computed again)", true, true),
    STALE_SPOOL("spool files of stopped processes", true, true),
    LEFT_NOTE(
        "notes of uploads a crash or failure cut (recorded pending by the next start, sweep or"
            + " upload)",
        false,
        true),
    OWED_RECHECK("orphan mark rechecks a crash left owing", true, true),
    MARK_OUT_OF_STEP("orphan marks that disagree with the references", true, true),
    IN_FLIGHT("uploads in flight (younger than the grace period)", false, false);

    public final String description;
    public final boolean problem;
    public final boolean repairable;

    Finding(String description, boolean problem, boolean repairable) {
      this.description = description;
      this.problem = problem;
      this.repairable = repairable;
    }
  }

  /** What a check found and repaired. */
  public static final class Report {
    /** How many examples of each finding are kept. */
    static final int EXAMPLES = 20;

    private final boolean repair;
    private final Map<Finding, Long> found = new HashMap<>();
    private final Map<Finding, Long> repaired = new HashMap<>();
    private final Map<Finding, List<String>> examples = new HashMap<>();
    long blobsSeen;
    long rowsSeen;

    Report(boolean repair) {
      this.repair = repair;
    }

    void found(Finding f, String example) {
      found.merge(f, 1L, Long::sum);
      List<String> list = examples.computeIfAbsent(f, k -> new ArrayList<>());
      if (list.size() < EXAMPLES) {
        list.add(example);
      }
      if (f.problem) {
        logger.atWarning().log("fsck: %s: %s", f.name().toLowerCase(), example);
      }
    }

    void repairedOne(Finding f) {
      repaired(f, 1);
    }

    void repaired(Finding f, long n) {
      if (n > 0) {
        repaired.merge(f, n, Long::sum);
      }
    }

    public long found(Finding f) {
      return found.getOrDefault(f, 0L);
    }

    public long repaired(Finding f) {
      return repaired.getOrDefault(f, 0L);
    }

    public List<String> examples(Finding f) {
      return examples.getOrDefault(f, List.of());
    }

    public long blobsSeen() {
      return blobsSeen;
    }

    public long rowsSeen() {
      return rowsSeen;
    }

    /** Problems found and not repaired: the store is clean when there are none. */
    public long remainingProblems() {
      long n = 0;
      for (Finding f : Finding.values()) {
        if (f.problem) {
          n += found(f) - repaired(f);
        }
      }
      return n;
    }

    public boolean repairing() {
      return repair;
    }
  }
}
