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

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Callers sharing one computation: every one gets an answer, however it ends. */
class SharedComputationsTest {
  /** A guard against hanging forever, not a measurement. */
  private static final long GUARD_SECONDS = 60;

  /** A computation that says it started, waits for {@code end}, then ends as {@code then}. */
  private static Supplier<String> blocking(
      CountDownLatch computing, CountDownLatch end, Supplier<String> then) {
    return () -> {
      computing.countDown();
      try {
        end.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return then.get();
    };
  }

  /**
   * What the first caller and {@code waiters} more get when they ask for one key while the first
   * caller's computation blocks, and then it throws {@code failure}: for each, in order, the
   * failure it got, or null when it came after the failure and computed a value of its own.
   */
  private static List<Throwable> shareAFailure(Throwable failure, int waiters) throws Exception {
    SharedComputations<String, String> shared = new SharedComputations<>(Duration.ofMinutes(10));
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(waiters + 1);
    List<Throwable> answers = new ArrayList<>();
    try {
      CountDownLatch computing = new CountDownLatch(1);
      CountDownLatch end = new CountDownLatch(1);
      Supplier<String> fail =
          () -> {
            if (failure instanceof Error e) {
              throw e;
            }
            throw (RuntimeException) failure;
          };
      List<Future<String>> futures = new ArrayList<>();
      futures.add(pool.submit(() -> shared.get("k", blocking(computing, end, fail))));
      assertThat(computing.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < waiters; i++) {
        futures.add(pool.submit(() -> shared.get("k", () -> "late")));
      }
      // Let the waiters reach the shared future (or compute themselves, once it has ended).
      while (pool.getActiveCount() < waiters + 1) {
        Thread.onSpinWait();
      }
      end.countDown();
      for (Future<String> future : futures) {
        try {
          assertThat(future.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("late");
          answers.add(null);
        } catch (ExecutionException e) {
          answers.add(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(shared.running()).isEqualTo(0);
    return answers;
  }

  // Issue 11: an OutOfMemoryError in the shared computation left every waiter parked for good.
  @Test
  void anErrorCompletesEveryWaiter() throws Exception {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    List<Throwable> answers = shareAFailure(oom, 8);
    assertThat(answers.get(0)).isSameInstanceAs(oom);
    for (Throwable waiter : answers.subList(1, answers.size())) {
      if (waiter != null) {
        assertThat(waiter).isInstanceOf(IllegalStateException.class);
        assertThat(waiter).hasCauseThat().isSameInstanceAs(oom);
      }
    }
  }

  @Test
  void anExceptionIsEveryWaitersAnswer() throws Exception {
    IllegalArgumentException bad = new IllegalArgumentException("bad");
    List<Throwable> answers = shareAFailure(bad, 4);
    assertThat(answers.get(0)).isSameInstanceAs(bad);
    for (Throwable waiter : answers) {
      if (waiter != null) {
        assertThat(waiter).isSameInstanceAs(bad);
      }
    }
  }

  @Test
  void waitingIsBounded() throws Exception {
    SharedComputations<String, String> shared = new SharedComputations<>(Duration.ZERO);
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch end = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> first =
          pool.submit(() -> shared.get("k", blocking(computing, end, () -> "done")));
      assertThat(computing.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThrows(SharedComputations.WaitedTooLong.class, () -> shared.get("k", () -> "mine"));
      // Other keys are not held up.
      assertThat(shared.get("other", () -> "other")).isEqualTo("other");
      end.countDown();
      assertThat(first.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("done");
    } finally {
      pool.shutdownNow();
    }
  }
}
