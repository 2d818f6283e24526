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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Health checks. {@code /health/live}: 200 while the process serves (liveness). {@code
 * /health/ready} (and {@code /health}): 200 when the database answers and the blob store is
 * reachable, else 503 (readiness: take the replica out of the load balancer, do not restart it).
 *
 * <p>Readiness answers within {@link #READY_DEADLINE} even while a dependency hangs (a database
 * that does not answer makes a connection wait for seconds, a blob store retries): a check still
 * running then counts as unavailable, and probes arriving meanwhile share it instead of piling up
 * more.
 */
final class HealthChecks {
  /** One dependency's health: whether it answers now. It may block; it is run with a deadline. */
  @FunctionalInterface
  interface Probe {
    boolean healthy();
  }

  /**
   * Far above what a healthy check takes (milliseconds), so a busy machine does not flap, and below
   * the probe's timeout (deploy/kubernetes/deployment.yaml: 3 s).
   */
  static final Duration READY_DEADLINE = Duration.ofSeconds(2);

  private final Check database;
  private final Check blobs;

  HealthChecks(Probe database, Probe blobs) {
    Executor checks =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "imagestore-health-check");
              t.setDaemon(true);
              return t;
            });
    this.database = new Check(checks, database);
    this.blobs = new Check(checks, blobs);
  }

  /** {@code /health/live}. */
  static void live(Call call) throws IOException {
    // Alive as long as it answers: a database outage must not get the process restarted.
    call.noStore();
    call.sendJson(200, Map.of("status", "ok"));
  }

  /** {@code /health/ready} and {@code /health}. */
  void ready(Call call) throws IOException {
    call.noStore();
    CompletableFuture<Boolean> db = database.start();
    CompletableFuture<Boolean> blob = blobs.start();
    long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
    boolean databaseOk = Check.await(db, deadline);
    boolean blobsOk = Check.await(blob, deadline);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", databaseOk && blobsOk ? "ok" : "unavailable");
    body.put("database", databaseOk ? "ok" : "unavailable");
    body.put("blobStore", blobsOk ? "ok" : "unavailable");
    call.sendJson(databaseOk && blobsOk ? 200 : 503, body);
  }

  /** One dependency's check, run at most once at a time. */
  private static final class Check {
    private final Executor executor;
    private final Probe check;
    private final AtomicReference<CompletableFuture<Boolean>> running = new AtomicReference<>();

    Check(Executor executor, Probe check) {
      this.executor = executor;
      this.check = check;
    }

    /** The check in progress, or a new one. */
    CompletableFuture<Boolean> start() {
      while (true) {
        CompletableFuture<Boolean> current = running.get();
        if (current != null && !current.isDone()) {
          return current;
        }
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        if (running.compareAndSet(current, next)) {
          executor.execute(() -> next.complete(check.healthy()));
          return next;
        }
      }
    }

    /** Its result, or false when it has not finished by {@code deadline} (System.nanoTime). */
    static boolean await(CompletableFuture<Boolean> check, long deadline) {
      try {
        return check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
