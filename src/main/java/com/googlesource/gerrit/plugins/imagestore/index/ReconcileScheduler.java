package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.extensions.events.LifecycleListener;
import com.google.gerrit.server.config.ScheduleConfig.Schedule;
import com.google.gerrit.server.git.WorkQueue;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Queues a full reconcile when the plugin starts on a site that was never indexed, and then on the
 * configured schedule ({@code scanInterval}, {@code scanStartTime}).
 */
@Singleton
public class ReconcileScheduler implements LifecycleListener {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final ImagestoreConfig config;
  private final IndexState state;
  private final IndexWorker worker;
  private final WorkQueue workQueue;
  private ScheduledFuture<?> scheduled;

  @Inject
  ReconcileScheduler(
      ImagestoreConfig config, IndexState state, IndexWorker worker, WorkQueue workQueue) {
    this.config = config;
    this.state = state;
    this.worker = worker;
    this.workQueue = workQueue;
  }

  @Override
  public synchronized void start() {
    if (!state.wasEverReconciled()) {
      logger.atInfo().log("this site was never indexed: queueing a full reconcile");
      reconcile();
    }
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
      worker.submit(IndexJob.reconcileAll());
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
