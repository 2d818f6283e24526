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

package com.googlesource.gerrit.plugins.imagestore.service.metrics;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics.BulkSnapshot;
import java.time.Duration;

/**
 * How far a running bulk operation (the orphan recomputation, a cleanup, a purge) is: read by the
 * metrics ({@link ServiceMetrics#bulkProgress}) and by a second request (which its service
 * refuses), and logged every few seconds with the rate. One run of an operation at a time.
 */
public final class BulkProgress {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();
  static final Duration LOG_EVERY = Duration.ofSeconds(5);

  private final String name;
  private final String unit;
  private boolean running;
  private long total;
  private long done;
  private String note = "";
  private long startedNanos;
  private long loggedNanos;

  /** {@code name} starts its log lines ("orphan recompute"), {@code unit} counts ("images"). */
  public BulkProgress(String name, String unit) {
    this.name = name;
    this.unit = unit;
  }

  /** Starts a run of {@code total} units; false when one is running. */
  public synchronized boolean start(long total) {
    if (running) {
      return false;
    }
    running = true;
    this.total = total;
    done = 0;
    note = "";
    startedNanos = System.nanoTime();
    loggedNanos = startedNanos;
    logger.atInfo().log("%s: started, %d %s", name, total, unit);
    return true;
  }

  /**
   * Counts {@code units} more done, with {@code note} (what the run found so far, "" for none);
   * logs when the last line is old enough.
   */
  public synchronized void advance(long units, String note) {
    done += units;
    this.note = note;
    long now = System.nanoTime();
    if (now - loggedNanos >= LOG_EVERY.toNanos()) {
      loggedNanos = now;
      logger.atInfo().log("%s: %s", name, describe());
    }
  }

  /** Ends the run (done or failed); logs how far it got. */
  public synchronized void finish(boolean completed) {
    if (completed) {
      done = Math.max(done, total);
    }
    logger.atInfo().log("%s: %s %s", name, completed ? "finished," : "failed after", describe());
    running = false;
  }

  public synchronized BulkSnapshot snapshot() {
    return new BulkSnapshot(running, done, total);
  }

  /** For instance "300000 of 1000000 images (30%), 41000/s, 7 s, 1200 marked". */
  public synchronized String describe() {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    return String.format(
        "%d of %d %s (%d%%), %.0f/s, %.0f s%s",
        done,
        total,
        unit,
        total == 0 ? 100 : done * 100 / total,
        seconds > 0 ? done / seconds : 0.0,
        seconds,
        note.isEmpty() ? "" : ", " + note);
  }
}
