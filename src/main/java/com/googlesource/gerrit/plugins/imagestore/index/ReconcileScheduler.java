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

package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.extensions.events.LifecycleListener;
import com.google.gerrit.server.config.ScheduleConfig.Schedule;
import com.google.gerrit.server.git.WorkQueue;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Queues a full reconcile on the configured schedule ({@code scanInterval}, {@code scanStartTime}).
 * The first start on a site that was never indexed reconciles too ({@link Indexer#queueCatchUp}).
 */
@Singleton
public class ReconcileScheduler implements LifecycleListener {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final ImagestoreConfig config;
  private final JobWorker worker;
  private final WorkQueue workQueue;
  private ScheduledFuture<?> scheduled;

  @Inject
  ReconcileScheduler(ImagestoreConfig config, JobWorker worker, WorkQueue workQueue) {
    this.config = config;
    this.worker = worker;
    this.workQueue = workQueue;
  }

  @Override
  public synchronized void start() {
    Optional<Schedule> schedule = config.scanSchedule();
    if (schedule.isPresent()) {
      scheduled =
          workQueue
              .getDefaultQueue()
              .scheduleAtFixedRate(
                  this::reconcile,
                  schedule.get().initialDelay(),
                  schedule.get().interval(),
                  TimeUnit.MILLISECONDS);
      logger.atInfo().log(
          "full reconcile every %s, next in %s",
          Duration.ofMillis(schedule.get().interval()),
          Duration.ofMillis(schedule.get().initialDelay()));
    }
  }

  /** Queues a reconcile of every enabled project. */
  public void reconcile() {
    try {
      worker.submit(new Job.ReconcileAll());
    } catch (IOException e) {
      logger.atSevere().withCause(e).log("cannot queue the reconcile");
    }
  }

  @Override
  public synchronized void stop() {
    if (scheduled != null) {
      scheduled.cancel(false);
      scheduled = null;
    }
  }
}
