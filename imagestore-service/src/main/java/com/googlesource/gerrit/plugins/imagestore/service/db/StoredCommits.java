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

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded database's commits, written to its file together: a group commit at the storage
 * level.
 *
 * <p>H2 commits a transaction in memory and writes changes to its file as a whole (a "chunk" with
 * every page changed since the last one, each changed B-tree page rewritten whole). Writing a chunk
 * at every commit ({@code WRITE_DELAY=0}) made that write half of an upload's CPU time. Now H2
 * keeps commits in memory (its background writer writes them within {@code WRITE_DELAY}), and a
 * caller whose commit must be in the file before it answers waits here: the first to get the lock
 * writes one chunk ({@code CHECKPOINT}) holding the commits of every caller that finished before,
 * and those return without writing.
 *
 * <p>In the file means what {@code WRITE_DELAY=0} meant: a killed process loses none of it; not
 * fsynced (power loss durability needs PostgreSQL).
 */
final class StoredCommits implements AutoCloseable {
  /**
   * The connection that writes chunks: one of its own, outside the pool, so that a caller holding a
   * pooled connection (in a transaction, even) never waits for a second one.
   */
  private final Connection writerConnection;

  private final AtomicLong committed = new AtomicLong();
  private final ReentrantLock writer = new ReentrantLock();

  /** The highest commit ticket known to be in the file; read and written under {@link #writer}. */
  private long stored;

  StoredCommits(Connection writerConnection) {
    this.writerConnection = writerConnection;
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
    writer.lock();
    try {
      if (stored >= mine) {
        return; // a writer that started after our commit has written it
      }
      long upTo = committed.get();
      try (Statement s = writerConnection.createStatement()) {
        // H2's CHECKPOINT writes everything committed so far to the file (MVStore.commit()),
        // waiting for a write of its background writer that is under way.
        s.execute("CHECKPOINT");
      }
      stored = upTo;
    } finally {
      writer.unlock();
    }
  }

  @Override
  public void close() throws SQLException {
    writerConnection.close();
  }
}
