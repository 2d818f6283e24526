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

package com.googlesource.gerrit.plugins.imagestore.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;

/**
 * Runs a few independent parts of one comparison on the common pool, the calling thread included.
 * The caller runs any part no pool thread has started yet, so a busy pool never makes it wait
 * longer than doing everything itself.
 */
final class Parallel {
  /** How many parts to split work over {@code pixels} pixels into: one per core, if it pays. */
  static int parts(long pixels) {
    // Below a quarter megapixel the hand-over costs more than it saves.
    long byWork = Math.max(1, pixels / (256 * 1024));
    return (int) Math.min(Runtime.getRuntime().availableProcessors(), Math.min(byWork, 8));
  }

  /** Runs every task and returns their results in order; the first failure is rethrown. */
  static <T, E extends Exception> List<T> run(List<Callable<T>> tasks, Class<E> checked) throws E {
    List<FutureTask<T>> futures = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      futures.add(new FutureTask<>(task));
    }
    for (int i = 1; i < futures.size(); i++) {
      ForkJoinPool.commonPool().execute(futures.get(i));
    }
    List<T> results = new ArrayList<>(tasks.size());
    for (FutureTask<T> future : futures) {
      future.run(); // a no-op when a pool thread has taken it
      try {
        results.add(future.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while comparing images", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (checked.isInstance(cause)) {
          throw checked.cast(cause);
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
    return results;
  }

  private Parallel() {}
}
