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

package com.googlesource.gerrit.plugins.imagestore.review;

import com.google.gerrit.extensions.events.LifecycleListener;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the calls a review makes to the image service (existence checks, diffs) on a small shared
 * pool ({@code reviewThreads}), in parallel, and never longer than {@code reviewDeadline}: a slow
 * or dead service costs the waiting Gerrit thread at most that long. Once one call of a batch
 * cannot reach the service, the batch's remaining calls are not made.
 */
@Singleton
public class ServiceCalls implements LifecycleListener {
  /** The answer of one call: its value, or why there is none. */
  public record Outcome<T>(T value, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  private final ExecutorService pool;
  private final Duration deadline;

  @Inject
  ServiceCalls(ImagestoreConfig config) {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            config.reviewThreads(),
            r -> {
              Thread t = new Thread(r, "imagestore-review-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.deadline = config.reviewDeadline();
  }

  public Duration deadline() {
    return deadline;
  }

  /** Runs {@code calls}; the outcomes in the same order. Returns by the deadline at the latest. */
  public <T> List<Outcome<T>> runAll(List<Callable<T>> calls) throws InterruptedException {
    if (calls.isEmpty()) {
      return List.of();
    }
    AtomicReference<String> unreachable = new AtomicReference<>();
    List<Callable<T>> guarded = new ArrayList<>();
    for (Callable<T> call : calls) {
      guarded.add(
          () -> {
            String down = unreachable.get();
            if (down != null) {
              throw new UnreachableException(down);
            }
            try {
              return call.call();
            } catch (ImagestoreException e) {
              throw e; // the service answered
            } catch (IOException e) {
              unreachable.compareAndSet(null, describe(e));
              throw new UnreachableException(describe(e));
            }
          });
    }
    List<Future<T>> futures = pool.invokeAll(guarded, deadline.toMillis(), TimeUnit.MILLISECONDS);
    List<Outcome<T>> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(outcome(f));
    }
    return out;
  }

  private <T> Outcome<T> outcome(Future<T> f) throws InterruptedException {
    try {
      return new Outcome<>(f.get(), null);
    } catch (CancellationException e) {
      return new Outcome<>(
          null, "the image service did not answer within " + deadline.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnreachableException u) {
        return new Outcome<>(null, u.getMessage());
      }
      return new Outcome<>(null, describe(cause));
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof ImagestoreException) {
      return e.getMessage();
    }
    if (e instanceof java.net.SocketTimeoutException) {
      return "the image service did not answer in time";
    }
    if (e instanceof java.net.ConnectException
        || e instanceof org.apache.http.conn.ConnectTimeoutException) {
      return "cannot connect to the image service";
    }
    return "cannot reach the image service (" + e.getClass().getSimpleName() + ")";
  }

  private static class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void start() {}

  @Override
  public void stop() {
    pool.shutdownNow();
  }
}
