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

package com.googlesource.gerrit.plugins.imagestore.queue;

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.extensions.events.LifecycleListener;
import com.google.gerrit.server.git.WorkQueue;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drains the {@link Outbox} on Gerrit's work queue, so pushes never wait for the image service;
 * each job goes to the {@link JobHandler} bound for its kind. Two lanes ({@link Job.Lane}), each a
 * queue of one thread, run beside each other: {@code imagestore-indexer} the jobs of branch moves
 * and patch sets, {@code imagestore-rescans} whole projects, so a push is indexed while a reconcile
 * runs instead of after the project step in progress; the indexer keeps the jobs of one project
 * from running at the same time. In a lane, jobs run oldest first. A job done in steps (a
 * reconcile: a project per step) goes to the back of its lane after each step. A job that fails
 * stays at the head of its lane and is retried with exponential back-off (1 s doubling to 5 min)
 * for as long as {@link FailurePolicy#retry} says; nothing behind it in that lane runs first, so
 * the order holds. A job the policy gives up is set aside in {@code outbox/failed} and reported in
 * {@link #lastError}.
 */
@Singleton
public class JobWorker implements LifecycleListener {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();
  private static final long MAX_BACKOFF_MILLIS = TimeUnit.MINUTES.toMillis(5);

  /** How long {@link #stop} waits for the jobs in progress to end once they are interrupted. */
  private static final long STOP_WAIT_SECONDS = 10;

  private final WorkQueue workQueue;
  private final Outbox outbox;
  private final Map<Job.Kind, JobHandler<?>> handlers;
  private final Set<StartupJobs> startupJobs;
  private final Map<Job.Lane, Lane> lanes = new EnumMap<>(Job.Lane.class);

  /** False until the catch-up at start has queued its jobs: no lane drains before. */
  private volatile boolean caughtUp;

  /** What went wrong last and has not passed since; null when all is well. */
  private final AtomicReference<Report> lastError = new AtomicReference<>();

  /**
   * A failure being retried or given up, on {@code lane}, about {@code project} (null for site-wide
   * work).
   */
  private record Report(String error, String project, Job.Lane lane) {}

  @Inject
  JobWorker(
      WorkQueue workQueue,
      Outbox outbox,
      Map<Job.Kind, JobHandler<?>> handlers,
      Set<StartupJobs> startupJobs) {
    this.workQueue = workQueue;
    this.outbox = outbox;
    this.handlers = handlers;
    this.startupJobs = startupJobs;
    lanes.put(Job.Lane.PUSHES, new Lane(Job.Lane.PUSHES, "imagestore-indexer"));
    lanes.put(Job.Lane.RESCANS, new Lane(Job.Lane.RESCANS, "imagestore-rescans"));
  }

  @Override
  public synchronized void start() {
    caughtUp = false;
    lanes.values().forEach(Lane::start);
    // First: what moved while the plugin was not running, measured against the state as the last
    // run left it, before any left-over job changes that state; then the jobs left by a previous
    // run (a restart, an outage), and the catch-up's.
    ScheduledExecutorService q = lanes.get(Job.Lane.PUSHES).queue;
    q.execute(
        () -> {
          catchUp();
          caughtUp = true;
          kick();
        });
  }

  private void catchUp() {
    try {
      int queued = 0;
      for (StartupJobs jobs : startupJobs) {
        queued += jobs.queue();
      }
      logger.atInfo().log("start: %d catch-up jobs queued", queued);
    } catch (IOException | RuntimeException e) {
      // The next scheduled or on-demand reconcile catches up instead.
      logger.atSevere().withCause(e).log("cannot catch up at start");
      lastError.set(new Report("cannot catch up at start: " + e, null, Job.Lane.PUSHES));
    }
  }

  /**
   * Ends the drain between two jobs: the jobs in progress are interrupted and may finish or fail;
   * either way a job's file stays in the outbox unless it finished, and every job behind it stays
   * there too, for the next start. Waits up to {@value #STOP_WAIT_SECONDS} s for the jobs in
   * progress to end (a call to the service that does not heed the interruption may take longer; it
   * then ends on its own, and its lane runs nothing after it).
   */
  @Override
  public synchronized void stop() {
    lanes.values().forEach(Lane::shutdown);
    for (Lane lane : lanes.values()) {
      lane.awaitStop();
    }
  }

  /** Queues a job durably and asks for it to run soon. */
  public void submit(Job job) throws IOException {
    outbox.add(job);
    lanes.get(job.kind().lane()).kick();
  }

  /** Asks for the outbox to be drained soon; cheap, safe to call from any thread. */
  public void kick() {
    lanes.values().forEach(Lane::kick);
  }

  /**
   * Runs a job with the handler of its kind. Returns the job of its next step, or null when it is
   * done.
   */
  private Job run(Job job) throws Exception {
    @SuppressWarnings("unchecked") // QueueModule.handle binds each kind to a handler of its type
    JobHandler<Job> handler = (JobHandler<Job>) handlers.get(job.kind());
    if (handler == null) {
      throw new IllegalStateException("no handler bound for " + job.kind());
    }
    return handler.run(job);
  }

  /** Why the last job failed, while the worker retries it (or gave up); null when all is well. */
  public String lastError() {
    Report r = lastError.get();
    return r == null ? null : r.error();
  }

  /** Whether {@link #lastError} is about a job of {@code project}. */
  public boolean lastErrorConcerns(String project) {
    Report r = lastError.get();
    return r != null && project.equals(r.project());
  }

  /** One lane: a queue of one thread that runs the lane's jobs in the order they were queued. */
  private final class Lane {
    private final Job.Lane lane;
    private final String name;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile ScheduledExecutorService queue;

    /** How many times in a row the job at the head of the lane has failed; its thread only. */
    private int failures;

    private volatile long retryAt;

    Lane(Job.Lane lane, String name) {
      this.lane = lane;
      this.name = name;
    }

    void start() {
      // A drain or retry that a stop dropped unrun must not hold up this run's.
      scheduled.set(false);
      retryAt = 0;
      failures = 0;
      queue = workQueue.createQueue(1, name);
    }

    void shutdown() {
      ScheduledExecutorService q = queue;
      if (q != null) {
        q.shutdownNow();
      }
    }

    void awaitStop() {
      ScheduledExecutorService q = queue;
      if (q == null) {
        return;
      }
      queue = null;
      try {
        if (!q.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
          logger.atWarning().log(
              "the job in progress on %s did not end within %d s of the stop; it stays queued"
                  + " unless it finishes",
              name, STOP_WAIT_SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void kick() {
      if (!caughtUp || System.currentTimeMillis() < retryAt) {
        return; // the catch-up kicks every lane when done; a retry is scheduled already
      }
      ScheduledExecutorService q = queue;
      if (q != null && scheduled.compareAndSet(false, true)) {
        try {
          q.execute(() -> drain(q));
        } catch (RejectedExecutionException e) {
          scheduled.set(false); // stopped in the meantime: the next start drains
        }
      }
    }

    /** Runs the lane's queued jobs on {@code q} until none is left or {@code q} is shut down. */
    private void drain(ScheduledExecutorService q) {
      scheduled.set(false);
      try {
        // Jobs may queue more jobs (a reconcile queues its next step): drain until none is left.
        for (List<Outbox.Entry> pending = pending(); !pending.isEmpty(); pending = pending()) {
          for (Outbox.Entry entry : pending) {
            if (q.isShutdown()) {
              return; // stopped: this job and those behind it stay queued for the next start
            }
            Job next;
            try {
              next = run(entry.job());
            } catch (Exception e) {
              if (q.isShutdown()) {
                // Interrupted by the stop, or failing because of it: not the job's fault.
                logger.atInfo().log("stopped during %s; it stays queued: %s", entry.job(), e);
                return;
              }
              failures++;
              if (FailurePolicy.retry(e, failures)) {
                retryLater(q, entry, e);
                return;
              }
              giveUp(entry, e);
              continue;
            }
            if (next == null) {
              outbox.done(entry);
            } else {
              // The next step waits behind what was queued meanwhile: the next pending() has it.
              outbox.requeue(entry, next);
            }
            failures = 0;
            // Only this lane's report: the other lane may be retrying a job of its own.
            lastError.getAndUpdate(r -> r != null && r.lane() == lane ? null : r);
          }
        }
      } catch (IOException e) {
        logger.atSevere().withCause(e).log("cannot read the outbox");
      }
    }

    /**
     * This lane's queued jobs, oldest first. Another lane's seen here are kicked: a job may queue
     * jobs of the other lane (a reconcile step a project's rescan, an unreadable file its
     * replacement) without kicking it.
     */
    private List<Outbox.Entry> pending() throws IOException {
      List<Outbox.Entry> mine = new ArrayList<>();
      for (Outbox.Entry entry : outbox.pending()) {
        Job.Lane of = entry.job().kind().lane();
        if (of == lane) {
          mine.add(entry);
        } else {
          lanes.get(of).kick();
        }
      }
      return mine;
    }

    private void giveUp(Outbox.Entry entry, Exception e) throws IOException {
      String attempts = failures == 1 ? "" : " after " + failures + " attempts";
      logger.atSevere().withCause(e).log("giving up on %s%s: %s", entry.job(), attempts, e);
      report(entry.job(), "gave up on " + entry.job() + attempts + ": " + e);
      failures = 0;
      outbox.setAside(entry.file());
    }

    private void retryLater(ScheduledExecutorService q, Outbox.Entry entry, Exception e) {
      long delay = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(failures - 1, 20));
      retryAt = System.currentTimeMillis() + delay;
      report(entry.job(), entry.job() + " failed (attempt " + failures + "): " + e);
      logger.atWarning().withCause(failures == 1 ? e : null).log(
          "%s failed (attempt %d), retrying in %d s: %s",
          entry.job(), failures, delay / 1000, e.getMessage());
      try {
        q.schedule(
            () -> {
              retryAt = 0;
              kick();
            },
            delay,
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopped) {
        // The next start retries it.
      }
    }

    private void report(Job job, String error) {
      lastError.set(new Report(error, job.project(), lane));
    }
  }
}
