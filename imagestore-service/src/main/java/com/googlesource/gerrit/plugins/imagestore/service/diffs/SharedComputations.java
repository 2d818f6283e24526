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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One computation per key at a time: whoever asks for a key being computed waits for that
 * computation instead of starting another. However the computation ends (a value, an exception, an
 * {@link Error} such as {@link OutOfMemoryError}) every waiter gets an answer, and no waiter waits
 * longer than {@code maxWait}.
 */
final class SharedComputations<K, V> {
  /** Thrown to a waiter whose computation did not end within the wait. */
  static final class WaitedTooLong extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitedTooLong(String message) {
      super(message);
    }
  }

  private final ConcurrentHashMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();
  private final Duration maxWait;

  SharedComputations(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /**
   * The value of {@code compute} for {@code key}: computed here, or by the caller computing it
   * already.
   *
   * @throws WaitedTooLong when another caller's computation took longer than the wait
   * @throws RuntimeException what the computation threw: the same exception for every caller, or
   *     for waiters an {@link IllegalStateException} wrapping the {@link Error} the computing
   *     caller got (and rethrows as it is)
   */
  V get(K key, Supplier<V> compute) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> theirs = running.putIfAbsent(key, mine);
    if (theirs != null) {
      return await(theirs);
    }
    try {
      V value = compute.get();
      mine.complete(value);
      return value;
    } catch (Throwable e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(key, mine);
    }
  }

  /** How many keys are being computed. */
  int running() {
    return running.size();
  }

  private V await(CompletableFuture<V> theirs) {
    try {
      return theirs.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new WaitedTooLong("the same computation did not end within " + maxWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a computation", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(
          "the computation waited for failed: " + e.getCause(), e.getCause());
    }
  }
}
