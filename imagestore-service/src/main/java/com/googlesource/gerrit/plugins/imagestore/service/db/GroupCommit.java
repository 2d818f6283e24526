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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: small units of work that callers would each commit in a transaction of their own,
 * run together in one transaction with those of every other caller waiting at that moment. A commit
 * costs a disk flush (a chunk write on H2, a WAL flush on PostgreSQL) whatever it holds, so under
 * load many callers share one flush instead of each paying one.
 *
 * <p>{@link #run} returns only after a transaction holding the caller's own item has committed, so
 * it promises what a transaction of its own would. One caller at a time commits (the leader); the
 * others queue meanwhile, and the next leader takes the whole queue. When a shared transaction
 * fails, each of its items runs again alone, so one item's failure is its own caller's only (unless
 * the database is unavailable: then all of them fail at once, as each would).
 *
 * <p>The work must be such that running items together means the same as running them one after the
 * other (idempotent, taking locks in one global order), and be safe to run again after a failed
 * attempt ({@link Database#inTransaction} retries too).
 */
public final class GroupCommit<T> {
  /** The work of a batch of items, inside one transaction. */
  @FunctionalInterface
  public interface BatchWork<T> {
    void run(Connection c, List<T> items) throws SQLException;
  }

  /** At most this many items per transaction, so that a transaction stays short. */
  static final int MAX_BATCH = 256;

  private final Database db;
  private final BatchWork<T> work;
  private final ConcurrentLinkedQueue<Waiter<T>> waiting = new ConcurrentLinkedQueue<>();
  private final ReentrantLock leader = new ReentrantLock();
  private final AtomicLong transactions = new AtomicLong();

  public GroupCommit(Database db, BatchWork<T> work) {
    this.db = db;
    this.work = work;
  }

  /** One caller's item; its fields are written and read under {@link #leader}. */
  private static final class Waiter<T> {
    final T item;
    boolean done;
    RuntimeException failure;

    Waiter(T item) {
      this.item = item;
    }
  }

  /**
   * Runs {@code item}'s work in a transaction, possibly shared with other callers' items, and
   * returns once it has committed.
   *
   * @throws RuntimeException what running the item alone threw (a {@link
   *     Database.DatabaseException}, say); nothing of it is committed then
   */
  public void run(T item) {
    Waiter<T> mine = new Waiter<>(item);
    waiting.add(mine);
    while (true) {
      leader.lock();
      try {
        if (!mine.done) {
          // Whoever gets the lock commits everything queued meanwhile, its own item included
          // unless more than a batch is waiting (then it loops and leads again).
          commit(drain());
        }
        if (mine.done) {
          if (mine.failure != null) {
            throw mine.failure;
          }
          return;
        }
      } finally {
        leader.unlock();
      }
    }
  }

  /** How many callers wait for the next transaction (for tests). */
  int waiting() {
    return waiting.size();
  }

  /** How many transactions have been started, shared or alone (for tests). */
  long transactions() {
    return transactions.get();
  }

  private List<Waiter<T>> drain() {
    List<Waiter<T>> batch = new ArrayList<>();
    Waiter<T> next;
    while (batch.size() < MAX_BATCH && (next = waiting.poll()) != null) {
      batch.add(next);
    }
    return batch;
  }

  private void commit(List<Waiter<T>> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      runTogether(batch);
      return;
    } catch (Error e) {
      // Out of memory, say. The batch's items left the queue: unfinished, their callers would
      // loop for ever waiting for a commit that nobody will make.
      for (Waiter<T> w : batch) {
        if (!w.done) {
          finish(w, new IllegalStateException("the group commit failed", e));
        }
      }
      throw e;
    } catch (RuntimeException e) {
      if (batch.size() == 1 || (e instanceof Database.DatabaseException d && d.unavailable())) {
        // An unreachable database fails every item alike; alone, each would wait for a connection
        // in turn (seconds each) while the callers behind them queue.
        batch.forEach(w -> finish(w, e));
        return;
      }
    }
    // The shared transaction failed and committed nothing: each item alone, so that the failure
    // stays with the item that caused it.
    for (Waiter<T> w : batch) {
      try {
        runTogether(List.of(w));
      } catch (RuntimeException e) {
        finish(w, e);
      }
    }
  }

  private void runTogether(List<Waiter<T>> batch) {
    List<T> items = new ArrayList<>(batch.size());
    for (Waiter<T> w : batch) {
      items.add(w.item);
    }
    transactions.incrementAndGet();
    db.inTransaction(
        c -> {
          work.run(c, items);
          return null;
        });
    for (Waiter<T> w : batch) {
      finish(w, null);
    }
  }

  private static <T> void finish(Waiter<T> w, RuntimeException failure) {
    w.done = true;
    w.failure = failure;
  }
}
