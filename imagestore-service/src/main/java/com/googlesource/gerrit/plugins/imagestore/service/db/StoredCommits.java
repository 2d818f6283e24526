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

import java.io.IOException;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.engine.Constants;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The embedded database's commits: written to its file together, and whole.
 *
 * <p>H2 commits a transaction in memory and writes changes to its file as a whole (a "chunk" with
 * every page changed since the last one, each changed B-tree page rewritten whole). Writing a chunk
 * at every commit ({@code WRITE_DELAY=0}) made that write half of an upload's CPU time. Now H2
 * keeps commits in memory (its background writer writes them within {@code WRITE_DELAY}), and a
 * caller whose commit must be in the file before it answers waits here: the first to get the lock
 * writes one chunk ({@code CHECKPOINT}) holding the commits of every caller that finished before,
 * and those return without writing. In the file means what {@code WRITE_DELAY=0} meant: a killed
 * process loses none of it; not fsynced (power loss durability needs PostgreSQL).
 *
 * <p><b>Whole.</b> H2 (2.3) writes a chunk by taking each B-tree map's root in turn while other
 * threads go on writing. A commit rewrites, one after another, every map its transaction changed,
 * then empties its undo log: a chunk taken meanwhile can hold the emptied log and only some of the
 * maps, and a process killed before the next chunk comes back with the transaction half there (an
 * image deleted without its trash entry; found by the crash suite; in {@code
 * ChunksHoldWholeCommitsTest}'s copies of the file, 24 of 300 chunks written during commits held
 * one half). Every chunk write holds the store's lock; commits and rollbacks here hold it too
 * ({@link #commit}, {@link #rollback}), so a chunk holds a commit wholly or not at all. (A change
 * in flight can still reach a chunk without its log entry: {@link CrashLeftovers} clears those when
 * the database opens after a crash.) H2 has no public way to that lock: it is read from the store
 * once, and opening fails if this H2 has none.
 */
final class StoredCommits implements AutoCloseable {
  /**
   * The connection that writes chunks: one of its own, outside the pool, so that a caller holding a
   * pooled connection (in a transaction, even) never waits for a second one.
   */
  private final Connection writerConnection;

  private final AtomicLong committed = new AtomicLong();

  /** The lock every chunk write of the database's store holds (see the class comment). */
  private final ReentrantLock writes;

  /** The highest commit ticket known to be in the file; read and written under {@link #writes}. */
  private long stored;

  /**
   * How long a commit waits for a chunk write or the migrations (H2's own wait for a row lock,
   * {@code LOCK_TIMEOUT}, is as long): past it the database counts as unavailable.
   */
  static final Duration WRITE_WAIT = Duration.ofSeconds(60);

  private final String url;

  /** The database's store, to tell whether closing the last connection closed it. */
  private final MVStore store;

  /** H2's database, which H2 closes on its own when it stops it (out of memory in a statement). */
  private final org.h2.engine.Database h2;

  StoredCommits(String url, Connection writerConnection) throws SQLException {
    this.url = url;
    this.writerConnection = writerConnection;
    this.h2 = h2Of(writerConnection);
    this.store = h2.getStore().getMvStore();
    this.writes = storeLockOf(store);
  }

  /**
   * Waits until no chunk is written and no commit or rollback runs, and keeps it so until {@link
   * #endWrite} (a thread may begin again while it holds it): for writes that must not share a chunk
   * with others in part (a commit, the schema's migrations).
   */
  void beginWrite() {
    Throwable stop = stopped();
    if (stop != null) {
      // A stopped store's lock leads nowhere: every write on it fails.
      throw new Database.DatabaseException(
          new SQLTransientConnectionException("the embedded database stopped", stop));
    }
    try {
      if (!writes.tryLock(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new Database.DatabaseException(
            new SQLTransientConnectionException(
                "waited "
                    + WRITE_WAIT.toSeconds()
                    + " s for the embedded database's file to take a commit"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Database.DatabaseException(
          new SQLTransientConnectionException("interrupted waiting to write", e));
    }
  }

  void endWrite() {
    writes.unlock();
  }

  /**
   * Commits {@code c}'s transaction while no chunk is being written; then take a ticket ({@link
   * #committed}).
   */
  void commit(Connection c) throws SQLException {
    beginWrite();
    try {
      c.commit();
    } finally {
      endWrite();
    }
  }

  /**
   * Rolls back {@code c}'s transaction while no chunk is being written: a rollback, like a commit,
   * rewrites the maps its transaction changed and takes their entries off its undo log. It waits as
   * long as that takes: a rollback cleans up after a failure and has none of its own to give.
   */
  void rollback(Connection c) throws SQLException {
    writes.lock();
    try {
      c.rollback();
    } finally {
      writes.unlock();
    }
  }

  /** The lock that H2's store holds while it writes a chunk: the store's {@code storeLock}. */
  static ReentrantLock storeLockOf(Connection h2) throws SQLException {
    return storeLockOf(h2Of(h2).getStore().getMvStore());
  }

  /** H2's database behind an embedded connection (pooled or not). */
  static org.h2.engine.Database h2Of(Connection c) throws SQLException {
    return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase();
  }

  private static ReentrantLock storeLockOf(MVStore store) {
    try {
      Field lock = MVStore.class.getDeclaredField("storeLock");
      lock.setAccessible(true);
      return (ReentrantLock) lock.get(store);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "H2 "
              + Constants.FULL_VERSION
              + " has no store lock to keep chunk writes apart from commits; this build needs the"
              + " H2 it was built with (see StoredCommits)",
          e);
    }
  }

  /**
   * A ticket for the commits finished so far, on any connection: take one right after a commit, and
   * {@link #awaitStored} it.
   */
  long committed() {
    return committed.incrementAndGet();
  }

  /** Returns once every commit that finished before {@code mine} was taken is in the file. */
  void awaitStored(long mine) throws SQLException {
    beginWrite();
    try {
      if (stored >= mine) {
        return; // a writer that started after our commit has written it
      }
      long upTo = committed.get();
      try (Statement s = writerConnection.createStatement()) {
        // H2's CHECKPOINT writes everything committed so far to the file (MVStore.commit()).
        s.execute("CHECKPOINT");
      }
      stored = upTo;
    } finally {
      endWrite();
    }
  }

  /**
   * Why H2 stopped the database for good, or null while it runs: a write to its file failed (a full
   * disk: H2 then closes the store), or H2 closed it for another reason while this still held it
   * (after running out of memory in a statement). Every statement fails from then on.
   */
  Throwable stopped() {
    // Volatile reads only: MVStore.isClosed() takes the store lock once the store is not open,
    // and a thread stopping the database can hold H2's database monitor while it waits for it.
    MVStoreException failed = store.getPanicException();
    if (failed != null) {
      return failed;
    }
    return closing || !h2.isClosing() ? null : new IllegalStateException("H2 closed the database");
  }

  private volatile boolean closing;

  @Override
  public void close() throws SQLException, IOException {
    boolean stoppedByH2 = stopped() != null;
    closing = true;
    writerConnection.close();
    CrashLeftovers.onClose(url, store, stoppedByH2);
  }
}
