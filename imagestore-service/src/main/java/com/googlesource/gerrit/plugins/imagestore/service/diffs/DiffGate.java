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

package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admits diff computations: at most {@code concurrency} at once, holding together at most {@code
 * memoryBytes} (as each one's estimate says), so that computations queue instead of exhausting the
 * heap. A computation waits at most {@code maxWait} for its turn.
 */
final class DiffGate {
  /** A turn to compute; closing it lets the next one in. */
  interface Turn extends AutoCloseable {
    @Override
    void close();
  }

  /** No turn came within the wait. */
  static final class NoTurn extends Exception {
    private static final long serialVersionUID = 1L;

    NoTurn(String message) {
      super(message);
    }
  }

  private final int concurrency;
  private final long memoryBytes;
  private final Duration maxWait;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private int running;
  private long heldBytes;

  DiffGate(int concurrency, long memoryBytes, Duration maxWait) {
    if (concurrency < 1 || memoryBytes < 1) {
      throw new IllegalArgumentException("a diff gate needs room for one diff");
    }
    this.concurrency = concurrency;
    this.memoryBytes = memoryBytes;
    this.maxWait = maxWait;
  }

  int concurrency() {
    return concurrency;
  }

  long memoryBytes() {
    return memoryBytes;
  }

  /**
   * Waits for a turn of a computation that holds {@code bytes}, which must be at most {@link
   * #memoryBytes}.
   *
   * @throws NoTurn when none came within the wait
   */
  Turn enter(long bytes) throws NoTurn {
    if (bytes > memoryBytes) {
      throw new IllegalArgumentException(bytes + " bytes never fit in " + memoryBytes);
    }
    lock.lock();
    try {
      long nanos = maxWait.toNanos();
      while (running >= concurrency || heldBytes + bytes > memoryBytes) {
        if (nanos <= 0) {
          throw new NoTurn(
              running + " diffs holding " + (heldBytes >> 20) + " MiB are being computed");
        }
        nanos = released.awaitNanos(nanos);
      }
      running++;
      heldBytes += bytes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NoTurn("interrupted while waiting");
    } finally {
      lock.unlock();
    }
    return new Turn() {
      private boolean closed;

      @Override
      public void close() {
        lock.lock();
        try {
          if (!closed) {
            closed = true;
            running--;
            heldBytes -= bytes;
            released.signalAll();
          }
        } finally {
          lock.unlock();
        }
      }
    };
  }

  /** Whether a computation waits for a turn. */
  boolean hasWaiters() {
    lock.lock();
    try {
      return lock.hasWaiters(released);
    } finally {
      lock.unlock();
    }
  }

  /** Diffs being computed. */
  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }
}
