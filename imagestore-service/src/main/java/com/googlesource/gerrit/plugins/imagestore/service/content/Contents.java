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

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.SpoolDirectory;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository.State;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the bytes of each content (in the {@link BlobStore}) and its {@code blobs} row in step, so
 * that a crash at any moment loses nothing that was acknowledged and never leaves a row naming
 * bytes that are not there:
 *
 * <ul>
 *   <li>bytes are stored, durably, before any transaction records them ({@link #beginStore}), after
 *       a note that finds them again should the process die first; a transaction that records them
 *       first confirms them under the row lock ({@link #confirm}), inserting the row if it has
 *       none;
 *   <li>the transaction that frees a content only marks its row {@code deleting} ({@link
 *       #releaseIfUnheld}); the bytes go after it has committed ({@link #reclaim}), under the row
 *       lock and together with the row;
 *   <li>what a crash leaves between those steps (notes of bytes no row records yet, rows still
 *       {@code pending} or {@code deleting}) is collected by {@link #settleLeftNotes}, {@link
 *       #sweep} and the consistency check.
 * </ul>
 *
 * No transaction here writes or deletes bytes and then fails to commit in a way that matters: a
 * transaction that deleted bytes and could not commit leaves its row {@code deleting}, which is
 * what it was.
 */
public final class Contents {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final Database db;
  private final BlobStore blobs;
  private final ContentRepository rows;
  private final Clock clock;

  private final SpoolDirectory spool;

  public Contents(
      Database db, BlobStore blobs, ContentRepository rows, SpoolDirectory spool, Clock clock) {
    this.db = db;
    this.blobs = blobs;
    this.rows = rows;
    this.spool = spool;
    this.clock = clock;
  }

  public ContentRepository rows() {
    return rows;
  }

  public BlobStore blobs() {
    return blobs;
  }

  /**
   * Starts storing the bytes of a content for a transaction that will record them: first a note on
   * disk ({@link SpoolDirectory#note}) that finds the bytes again should this process die before
   * they are recorded, then the bytes ({@link UnrecordedBytes#put}), both outside any transaction.
   * A failure between the two leaves the note ({@link UnrecordedBytes#close}). The note replaces a
   * {@code pending} row committed before the bytes: a flushed directory entry costs less than a
   * transaction, and a crash leaves the same to settle ({@link #settleLeftNotes}).
   */
  public UnrecordedBytes beginStore(String sha256, long size) throws IOException {
    // Flushed when the database's commits survive a power loss, so that the note does too; the
    // embedded database's commits survive only the process, and so does a note in the page cache.
    return new UnrecordedBytes(
        sha256, size, spool.note(sha256 + "." + size, db.commitsSurvivePowerLoss()));
  }

  /**
   * The bytes of one content between {@link #beginStore} and the transaction that records them. The
   * caller ends it one of three ways: {@link #recorded} (its transaction committed), {@link #free}
   * (refused: nothing records them), or by closing it otherwise (a failure, a commit in doubt):
   * then the note is left for the sweep ({@link #settleLeftNotes}), which records the bytes {@code
   * pending}.
   */
  public final class UnrecordedBytes implements AutoCloseable {
    private final String sha256;
    private final long size;
    private final SpoolDirectory.Note note;
    private boolean settled;

    private UnrecordedBytes(String sha256, long size, SpoolDirectory.Note note) {
      this.sha256 = sha256;
      this.size = size;
      this.note = note;
    }

    /** Stores the bytes, durably; again after they were reclaimed in between. */
    public void put(Path file) throws IOException {
      blobs.put(sha256, file);
    }

    /** A committed transaction records them (or something already held them): the note goes. */
    public void recorded() {
      settled = true;
      note.close();
      if (notesLeft.getAndSet(false)) {
        // The database answers again: what the failure left need not wait for the sweep.
        try {
          settleLeftNotes(LEFT_NOTES_AT_ONCE);
        } catch (IOException | RuntimeException e) {
          notesLeft.set(true);
          logger.atWarning().withCause(e).log("settling the notes failures left failed");
        }
      }
    }

    /**
     * Nothing records the bytes (the upload was refused): they go now unless something else holds
     * them. When that fails (the database is unreachable), the note is left for the sweep.
     */
    public void free() {
      try {
        boolean released =
            db.inTransaction(
                c -> {
                  rows.insertIfAbsent(c, sha256, size, clock.millis());
                  return releaseIfUnheld(c, sha256);
                });
        if (released) {
          reclaim(sha256);
        }
        recorded();
      } catch (RuntimeException e) {
        logger.atWarning().withCause(e).log(
            "freeing the bytes of refused content %s failed; the sweep frees them", sha256);
        close();
      }
    }

    /** Unless {@link #recorded} or {@link #free}d: the note is left for the sweep. */
    @Override
    public void close() {
      if (settled) {
        return;
      }
      settled = true;
      notesLeft.set(true);
      try {
        note.leave();
      } catch (IOException e) {
        // The note stays in this process's directory: a start after this process finds it.
        logger.atWarning().withCause(e).log("leaving the note of content %s failed", sha256);
      }
    }
  }

  /**
   * Set when an upload left its note: the next upload recorded settles what was left, so that the
   * bytes of uploads an outage cut are recorded {@code pending} once it is over, not only by the
   * next sweep.
   */
  private final AtomicBoolean notesLeft = new AtomicBoolean();

  /** How many left notes an upload settles at once (the sweep takes the rest). */
  private static final int LEFT_NOTES_AT_ONCE = 1_000;

  /**
   * Records the contents of the notes that uploads cut by a crash or a failure left ({@link
   * UnrecordedBytes#close}, or a dead process's spool): a {@code pending} row each unless it has a
   * row, which {@link #sweep} frees after the grace period unless something holds it by then; then
   * the notes go. At most {@code limit} notes; returns how many were settled.
   */
  public int settleLeftNotes(int limit) throws IOException {
    List<SpoolDirectory.LeftNote> left = SpoolDirectory.leftNotes(spool.base(), limit);
    SortedMap<String, Long> sizes = new TreeMap<>();
    List<SpoolDirectory.LeftNote> settled = new ArrayList<>();
    for (SpoolDirectory.LeftNote note : left) {
      Matcher m = NOTE.matcher(note.name());
      if (m.matches()) {
        sizes.put(m.group(1), Long.parseLong(m.group(2)));
      } else {
        logger.atWarning().log("ignoring the note %s: not an upload's", note.file());
      }
      settled.add(note);
    }
    if (!sizes.isEmpty()) {
      db.inTransaction(
          c -> {
            rows.insertIfAbsent(c, sizes, State.PENDING, clock.millis());
            return null;
          });
    }
    for (SpoolDirectory.LeftNote note : settled) {
      note.forget();
    }
    SpoolDirectory.removeLeftNotesIfEmpty(spool.base());
    if (!settled.isEmpty()) {
      logger.atInfo().log(
          "settled %d notes of uploads cut by a crash or failure (%d contents to free unless held)",
          settled.size(), sizes.size());
    }
    return settled.size();
  }

  /** An upload's note: {@code <sha256>.<size>}. */
  private static final Pattern NOTE = Pattern.compile("([0-9a-f]{64})\\.([0-9]{1,18})");

  /** Thrown when a content's row appeared meanwhile in another transaction: run it again. */
  public static final class ContentAppeared extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ContentAppeared() {
      super(null, null, false, false);
    }
  }

  /**
   * Locks the content's row and makes sure its bytes are there, inside the caller's transaction.
   * True when they are: the row is {@code live} and stays so until this transaction ends. False
   * when the row or the bytes went since they were stored (a purge finished meanwhile): the caller
   * changes nothing, stores the bytes again and retries.
   *
   * @throws ContentAppeared see {@link #makeLive}
   */
  public boolean confirm(Connection c, String sha256, long size) throws SQLException {
    Confirmable found = lockConfirmable(c, List.of(sha256));
    if (!found.present().contains(sha256)) {
      return false;
    }
    makeLive(c, found, new TreeMap<>(Map.of(sha256, size)));
    return true;
  }

  /**
   * What {@link #lockConfirmable} found: the contents whose bytes are there ({@code present}),
   * those of them with a row not yet {@code live}, and those of them without a row.
   */
  public record Confirmable(Set<String> present, Set<String> notLive, Set<String> withoutRow) {}

  /**
   * {@link #confirm} of many contents, in two steps so that the caller decides in between which it
   * records: locks their rows in one statement (in SHA-256 order, as every caller locks them) and
   * finds those whose bytes are there; then {@link #makeLive} makes those the caller records live.
   * A content not present went since its bytes were stored: they are to be stored again.
   */
  public Confirmable lockConfirmable(Connection c, Collection<String> sha256s) throws SQLException {
    Set<String> present = new TreeSet<>();
    Set<String> notLive = new TreeSet<>();
    Set<String> withoutRow = new TreeSet<>(sha256s);
    Map<String, State> locked = rows.lockAll(c, sha256s);
    withoutRow.removeAll(locked.keySet());
    try {
      // No row: nobody recorded the content, and no deletion of it is running (one would hold the
      // row; a finished one deleted the bytes before its row). Bytes present now stay until
      // someone records the content: this transaction, with the row it inserts.
      for (String sha256 : withoutRow) {
        if (blobs.exists(sha256)) {
          present.add(sha256);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    withoutRow.retainAll(present);
    for (Map.Entry<String, State> row : locked.entrySet()) {
      if (row.getValue() == State.LIVE) {
        present.add(row.getKey()); // nothing deletes the bytes of a live content
        continue;
      }
      try {
        if (blobs.exists(row.getKey())) {
          present.add(row.getKey());
          notLive.add(row.getKey());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Confirmable(present, notLive, withoutRow);
  }

  /**
   * Makes {@code recorded} (present in {@code found}; content to size) live, in a statement for
   * those with a row and one for those without: the caller's transaction records an image or trash
   * entry holding each.
   *
   * @throws ContentAppeared when another transaction inserted the row of one of them meanwhile; the
   *     caller's transaction must not commit, and runs again
   */
  public void makeLive(Connection c, Confirmable found, SortedMap<String, Long> recorded)
      throws SQLException {
    Set<String> toSet = new TreeSet<>(recorded.keySet());
    toSet.retainAll(found.notLive());
    if (!toSet.isEmpty()) {
      rows.setStates(c, toSet, State.LIVE, clock.millis());
    }
    SortedMap<String, Long> toInsert = new TreeMap<>(recorded);
    toInsert.keySet().retainAll(found.withoutRow());
    if (!toInsert.isEmpty()
        && rows.insertIfAbsent(c, toInsert, State.LIVE, clock.millis()) != toInsert.size()) {
      throw new ContentAppeared();
    }
  }

  /** Locks the content's row inside the caller's transaction; false when it has none. */
  public boolean lock(Connection c, String sha256) throws SQLException {
    return rows.lock(c, sha256).isPresent();
  }

  /**
   * Inside the caller's transaction, which has locked the row ({@link #lock}) and removed a holder:
   * marks the content {@code deleting} when no image or trash entry holds it any more. True when it
   * did: call {@link #reclaim} once the transaction has committed.
   */
  public boolean releaseIfUnheld(Connection c, String sha256) throws SQLException {
    return releaseIfUnheld(c, List.of(sha256)).contains(sha256);
  }

  /**
   * {@link #releaseIfUnheld(Connection, String)} of many contents, with a statement each for the
   * locks (in SHA-256 order), the holders and the marks. Returns those marked {@code deleting}:
   * call {@link #reclaim(Collection)} with them once the transaction has committed.
   */
  public Set<String> releaseIfUnheld(Connection c, Collection<String> sha256s) throws SQLException {
    Set<String> withRow = rows.lockAll(c, sha256s).keySet();
    if (withRow.isEmpty()) {
      return Set.of();
    }
    Map<String, Long> holders = rows.holders(c, withRow);
    Set<String> unheld = new TreeSet<>();
    for (String sha256 : withRow) {
      if (holders.getOrDefault(sha256, 0L) == 0) {
        unheld.add(sha256);
      }
    }
    rows.setStates(c, unheld, State.DELETING, clock.millis());
    return unheld;
  }

  /**
   * Deletes the bytes and the row of a content marked {@code deleting}, after the transaction that
   * marked it has committed. A failure (the blob store unreachable, say) is logged and left to the
   * {@link #sweep}: the content stays {@code deleting}, its bytes unserved.
   *
   * @return whether the bytes and row are gone
   */
  public boolean reclaim(String sha256) {
    return reclaim(List.of(sha256)).contains(sha256);
  }

  /**
   * {@link #reclaim(String)} of many contents in one transaction (the bytes one file at a time); a
   * content whose bytes could not be deleted stays {@code deleting}, for the sweeper.
   *
   * @return those whose bytes and row are gone
   */
  public Set<String> reclaim(Collection<String> sha256s) {
    if (sha256s.isEmpty()) {
      return Set.of();
    }
    try {
      return db.inTransaction(
          c -> {
            Map<String, State> states = rows.lockAll(c, sha256s);
            Set<String> gone = new TreeSet<>(sha256s);
            gone.removeAll(states.keySet());
            List<String> deleting =
                states.entrySet().stream()
                    .filter(e -> e.getValue() == State.DELETING)
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
            Map<String, Long> holders = deleting.isEmpty() ? Map.of() : rows.holders(c, deleting);
            if (!deleting.isEmpty()) {
              // The marks read here may be another caller's commit that is not yet durable (on
              // H2): bytes go only once it is, or a crash could take the mark back and leave a
              // row without its bytes.
              db.awaitCommitted();
            }
            List<String> deleted = new ArrayList<>();
            for (String sha256 : deleting) {
              if (holders.getOrDefault(sha256, 0L) > 0) {
                continue; // wanted again: an upload confirmed it meanwhile
              }
              try {
                blobs.delete(sha256);
                deleted.add(sha256);
              } catch (IOException e) {
                logger.atWarning().withCause(e).log(
                    "deleting the bytes of content %s failed; the sweeper tries again", sha256);
              }
            }
            rows.deleteAll(c, deleted);
            gone.addAll(deleted);
            return gone;
          });
    } catch (RuntimeException e) {
      logger.atWarning().withCause(e).log(
          "deleting the bytes of %d contents failed; the sweeper tries again", sha256s.size());
      return Set.of();
    }
  }

  /**
   * Frees, in a transaction of its own, a content that nothing holds (the bytes of a refused
   * upload, say), and reclaims it; true when its bytes and row are gone.
   */
  public boolean dropIfUnheld(String sha256) {
    boolean released = db.inTransaction(c -> releaseIfUnheld(c, sha256));
    return released && reclaim(sha256);
  }

  /** What one {@link #sweep} did. */
  public record SweepResult(int reclaimed, int abandoned, int failed) {
    public int total() {
      return reclaimed + abandoned;
    }
  }

  /**
   * Finishes what crashes and failures left: contents marked {@code deleting} are reclaimed, and
   * contents still {@code pending} after {@code grace} (an upload that stored bytes and never
   * finished) are freed and reclaimed when nothing holds them. Bounded to {@code limit} of each.
   */
  public SweepResult sweep(Duration grace, int limit) {
    long now = clock.millis();
    int reclaimed = 0;
    int abandoned = 0;
    int failed = 0;
    for (String sha : db.read(c -> rows.inState(c, State.DELETING, now, limit))) {
      if (reclaim(sha)) {
        reclaimed++;
      } else {
        failed++;
      }
    }
    List<String> pending =
        db.read(c -> rows.inState(c, State.PENDING, now - grace.toMillis(), limit));
    for (String sha : pending) {
      boolean released =
          db.inTransaction(
              c -> {
                Optional<State> state = rows.lock(c, sha);
                return state.isPresent() && state.get() == State.PENDING && releaseIfUnheld(c, sha);
              });
      if (released) {
        if (reclaim(sha)) {
          abandoned++;
        } else {
          failed++;
        }
      }
    }
    if (reclaimed + abandoned + failed > 0) {
      logger.atInfo().log(
          "swept contents: %d deletions finished, %d abandoned uploads freed, %d failed",
          reclaimed, abandoned, failed);
    }
    return new SweepResult(reclaimed, abandoned, failed);
  }
}
