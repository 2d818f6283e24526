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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.gerrit.exceptions.StorageException;
import com.google.gerrit.extensions.annotations.PluginData;
import com.google.gerrit.metrics.DisabledMetricMaker;
import com.google.gerrit.metrics.MetricMaker;
import com.google.gerrit.server.config.GerritServerConfig;
import com.google.gerrit.server.git.WorkQueue;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Config;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The worker on Gerrit's real work queue and a real outbox on disk, its handlers bound through
 * {@link QueueModule} as the plugin binds them: what a failing job costs the queue.
 */
public class JobWorkerTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** What a handler does on one run of a job of a project; {@code attempt} counts from 1. */
  @FunctionalInterface
  interface Behaviour {
    void run(int attempt) throws Exception;
  }

  /** The work the handlers are bound to: a behaviour per project and a record of every run. */
  static final class Script {
    final Map<String, Behaviour> byProject = new ConcurrentHashMap<>();
    final List<String> runs = new CopyOnWriteArrayList<>();

    void run(Job job) throws Exception {
      runs.add(job.project());
      int attempt = (int) runs.stream().filter(job.project()::equals).count();
      Behaviour b = byProject.get(job.project());
      if (b != null) {
        b.run(attempt);
      }
    }

    /** The projects a reconcile goes through, in order. */
    final List<String> reconciled = new CopyOnWriteArrayList<>();

    /** A step of a reconcile, as the indexer's: the project after {@code after}, run as a job. */
    Job.ReconcileAll step(Job.ReconcileAll job) throws Exception {
      int next = job.after() == null ? 0 : reconciled.indexOf(job.after()) + 1;
      if (next == reconciled.size()) {
        return null;
      }
      String project = reconciled.get(next);
      run(new Job.RescanProject(project));
      return new Job.ReconcileAll(project);
    }
  }

  private final Script script = new Script();
  private final List<JobWorker> started = new ArrayList<>();
  private Path data;

  @Before
  public void setUp() {
    data = tmp.getRoot().toPath();
  }

  @After
  public void stopWorkers() {
    started.forEach(JobWorker::stop);
  }

  /** A worker as a (re)started plugin has one: a new injector over the same data directory. */
  private JobWorker start() {
    JobWorker worker =
        Guice.createInjector(
                new WorkQueue.WorkQueueModule(),
                new QueueModule(),
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    bind(Config.class)
                        .annotatedWith(GerritServerConfig.class)
                        .toInstance(new Config());
                    bind(MetricMaker.class).to(DisabledMetricMaker.class);
                    bind(Path.class).annotatedWith(PluginData.class).toInstance(data);
                    bind(Script.class).toInstance(script);
                    QueueModule.handle(
                        binder(), Job.RescanProject.class, Script.class, Script::run);
                    QueueModule.handle(binder(), Job.IndexCommits.class, Script.class, Script::run);
                    QueueModule.handleInSteps(
                        binder(), Job.ReconcileAll.class, Script.class, Script::step);
                  }
                })
            .getInstance(JobWorker.class);
    started.add(worker);
    worker.start();
    return worker;
  }

  private static Job job(String project) {
    return new Job.RescanProject(project);
  }

  /** A push's job: it runs on the other lane than rescans and reconciles. */
  private static Job push(String project) {
    return new Job.IndexCommits(project, "refs/heads/master", null, "1".repeat(40));
  }

  private List<String> files(String dir) throws IOException {
    try (Stream<Path> s = Files.list(data.resolve(dir))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
    }
  }

  private void waitFor(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        assertWithMessage("timed out waiting for %s; runs: %s", what, script.runs).fail();
      }
      Thread.sleep(20);
    }
  }

  @Test
  public void anUnexpectedRuntimeExceptionIsRetriedThenGivenUpAndReported() throws Exception {
    script.byProject.put(
        "buggy",
        attempt -> {
          throw new IllegalStateException("bug on attempt " + attempt);
        });
    JobWorker worker = start();
    worker.submit(job("buggy"));

    waitFor("the job set aside", () -> !files("outbox/failed").isEmpty());
    assertThat(script.runs).containsExactly("buggy", "buggy", "buggy");
    assertThat(files("outbox/failed")).hasSize(1);
    assertThat(files("outbox/failed").get(0)).contains("_RESCAN%5FPROJECT_buggy");
    assertThat(files("outbox")).isEmpty();
    assertThat(worker.lastError())
        .isEqualTo(
            "gave up on rescan_project buggy after 3 attempts:"
                + " java.lang.IllegalStateException: bug on attempt 3");
    assertThat(worker.lastErrorConcerns("buggy")).isTrue();

    // The queue goes on with the next job.
    worker.submit(job("next"));
    waitFor("the next job", () -> script.runs.contains("next"));
    // Cleared once a job passes (right after its file is done).
    waitFor("the report cleared", () -> worker.lastError() == null);
  }

  @Test
  public void aRuntimeExceptionThatPassesIsRetriedUntilTheJobRuns() throws Exception {
    script.byProject.put(
        "locked",
        attempt -> {
          if (attempt < 3) {
            // As Gerrit reports trouble it does not know to be I/O: no cause.
            throw new StorageException("ref lock held, attempt " + attempt);
          }
        });
    JobWorker worker = start();
    worker.submit(job("locked"));
    worker.submit(job("behind"));

    waitFor("both jobs", () -> script.runs.contains("behind"));
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    // Nothing behind it ran first, and nothing was given up.
    assertThat(script.runs).containsExactly("locked", "locked", "locked", "behind").inOrder();
    assertThat(files("outbox/failed")).isEmpty();
    waitFor("the report cleared", () -> worker.lastError() == null);
  }

  @Test
  public void troubleReachingTheServiceIsRetriedBeyondTheBoundOfUnexpectedFailures()
      throws Exception {
    int failing = FailurePolicy.UNEXPECTED_ATTEMPTS;
    script.byProject.put(
        "outage",
        attempt -> {
          if (attempt <= failing) {
            throw new ImagestoreException(503, "unavailable", "down, attempt " + attempt);
          }
        });
    JobWorker worker = start();
    worker.submit(job("outage"));

    waitFor("the job passing", () -> script.runs.size() == failing + 1);
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    assertThat(files("outbox/failed")).isEmpty();
    waitFor("the report cleared", () -> worker.lastError() == null);
  }

  @Test
  public void theServiceRefusingTheRequestIsGivenUpAtOnce() throws Exception {
    script.byProject.put(
        "refused",
        attempt -> {
          throw new ImagestoreException(400, "invalid_input", "bad reference");
        });
    JobWorker worker = start();
    worker.submit(job("refused"));

    waitFor("the job set aside", () -> !files("outbox/failed").isEmpty());
    assertThat(script.runs).containsExactly("refused");
    assertThat(worker.lastError()).startsWith("gave up on rescan_project refused: ");
  }

  /** Queues jobs for projects p0 … p{n-1} as a previous run would have left them. */
  private void queueLeftOver(int n) throws IOException {
    Outbox outbox = new Outbox(data);
    for (int i = 0; i < n; i++) {
      outbox.add(job("p" + i));
    }
  }

  private static List<String> projects(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "p" + i).toList();
  }

  @Test
  public void stopEndsTheDrainAndTheInterruptedJobStaysQueuedForTheNextStart() throws Exception {
    int queued = 50;
    queueLeftOver(queued);
    CountDownLatch running = new CountDownLatch(1);
    script.byProject.put(
        "p0",
        attempt -> {
          if (attempt == 1) {
            running.countDown();
            new CountDownLatch(1).await(); // until the stop interrupts it
          }
        });
    JobWorker worker = start();
    running.await();

    worker.stop();

    // Nothing ran after the interrupted job, and nothing was lost or given up.
    assertThat(script.runs).containsExactly("p0");
    assertThat(files("outbox")).hasSize(queued);
    assertThat(files("outbox/failed")).isEmpty();
    assertThat(worker.lastError()).isNull();

    start();
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    List<String> expected = new ArrayList<>(List.of("p0"));
    expected.addAll(projects(0, queued));
    assertThat(script.runs).containsExactlyElementsIn(expected).inOrder();
    assertThat(files("outbox/failed")).isEmpty();
  }

  @Test
  public void aJobThatFinishesDespiteTheStopIsDoneAndTheRestWaitForTheNextStart() throws Exception {
    int queued = 50;
    queueLeftOver(queued);
    CountDownLatch running = new CountDownLatch(1);
    script.byProject.put(
        "p0",
        attempt -> {
          running.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            // Finishes its work all the same, as a call that does not heed interruption would.
          }
        });
    JobWorker worker = start();
    running.await();

    worker.stop();

    assertThat(script.runs).containsExactly("p0");
    assertThat(files("outbox")).hasSize(queued - 1);
    assertThat(files("outbox").stream().noneMatch(n -> n.endsWith("_p0.json"))).isTrue();
    assertThat(files("outbox/failed")).isEmpty();

    script.byProject.remove("p0");
    start();
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    assertThat(script.runs).containsExactlyElementsIn(projects(0, queued)).inOrder();
  }

  /** The outbox's files as the jobs they hold (those of the step in progress included). */
  private List<String> queued() throws IOException {
    return new Outbox(data).pending().stream().map(e -> e.job().toString()).toList();
  }

  @Test
  public void jobsQueuedDuringAStepRunBeforeTheNextStep() throws Exception {
    script.reconciled.addAll(List.of("a", "b", "c"));
    AtomicReference<JobWorker> worker = new AtomicReference<>();
    List<List<String>> queuedDuringStep = new CopyOnWriteArrayList<>();
    script.byProject.put(
        "a",
        attempt -> {
          queuedDuringStep.add(queued());
          worker.get().submit(job("push")); // as a push arriving during the step
        });
    script.byProject.put("b", attempt -> queuedDuringStep.add(queued()));
    worker.set(start());
    worker.get().submit(new Job.ReconcileAll());

    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    assertThat(script.runs).containsExactly("a", "push", "b", "c").inOrder();
    // One file for the whole reconcile: the step in progress; the push's is behind the first.
    assertThat(queuedDuringStep)
        .containsExactly(List.of("reconcile_all"), List.of("reconcile_all after a"))
        .inOrder();
    assertThat(files("outbox/failed")).isEmpty();
  }

  @Test
  public void aStepThatFailsIsRetriedAndTheReconcileGoesOnFromThere() throws Exception {
    script.reconciled.addAll(List.of("a", "b", "c"));
    script.byProject.put(
        "b",
        attempt -> {
          if (attempt == 1) {
            throw new ImagestoreException(503, "unavailable", "down");
          }
        });
    JobWorker worker = start();
    worker.submit(new Job.ReconcileAll());

    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    assertThat(script.runs).containsExactly("a", "b", "b", "c").inOrder();
    assertThat(files("outbox/failed")).isEmpty();
  }

  @Test
  public void aReconcileStoppedDuringAStepGoesOnFromThatStepAtTheNextStart() throws Exception {
    script.reconciled.addAll(List.of("a", "b", "c"));
    CountDownLatch running = new CountDownLatch(1);
    script.byProject.put(
        "b",
        attempt -> {
          if (attempt == 1) {
            running.countDown();
            new CountDownLatch(1).await(); // until the stop interrupts it
          }
        });
    JobWorker worker = start();
    worker.submit(new Job.ReconcileAll());
    running.await();

    worker.stop();

    assertThat(script.runs).containsExactly("a", "b").inOrder();
    assertThat(queued()).containsExactly("reconcile_all after a");

    start();
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    // Only the interrupted step ran twice.
    assertThat(script.runs).containsExactly("a", "b", "b", "c").inOrder();
    assertThat(files("outbox/failed")).isEmpty();
  }

  @Test
  public void aPushRunsWhileAReconcileStepIsInProgress() throws Exception {
    script.reconciled.addAll(List.of("a", "b"));
    AtomicReference<JobWorker> worker = new AtomicReference<>();
    CountDownLatch pushed = new CountDownLatch(1);
    List<List<String>> queuedWhenPushed = new CopyOnWriteArrayList<>();
    script.byProject.put(
        "a",
        attempt -> {
          worker.get().submit(push("pushed"));
          // The step goes on only once the push is done: on one lane this would never end.
          assertThat(pushed.await(60, TimeUnit.SECONDS)).isTrue();
        });
    script.byProject.put(
        "pushed",
        attempt -> {
          queuedWhenPushed.add(queued());
          pushed.countDown();
        });
    worker.set(start());
    worker.get().submit(new Job.ReconcileAll());

    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    assertThat(script.runs).containsExactly("a", "pushed", "b").inOrder();
    // The push ran while the reconcile's first step was in progress.
    assertThat(queuedWhenPushed)
        .containsExactly(
            List.of("reconcile_all", "index_commits pushed refs/heads/master 11111111"));
    assertThat(files("outbox/failed")).isEmpty();
  }

  @Test
  public void aJobFailingOnOneLaneHoldsUpOnlyThatLane() throws Exception {
    script.reconciled.addAll(List.of("a", "b", "c"));
    CountDownLatch serviceBack = new CountDownLatch(1);
    script.byProject.put(
        "outage",
        attempt -> {
          if (serviceBack.getCount() > 0) {
            throw new ImagestoreException(503, "unavailable", "down, attempt " + attempt);
          }
        });
    JobWorker worker = start();
    worker.submit(push("outage"));
    worker.submit(push("behind"));
    worker.submit(new Job.ReconcileAll());

    // The reconcile ends while the push lane retries its head; the push behind it waits. (Its last
    // step ran, too: the outbox read by this thread misses a job's file while the worker renames
    // it to the next step, so an absent reconcile alone may be a step in flight.)
    waitFor(
        "the reconcile done",
        () ->
            script.runs.containsAll(List.of("a", "b", "c"))
                && queued().stream().noneMatch(j -> j.startsWith("reconcile")));
    assertThat(script.runs).containsAtLeast("outage", "a", "b", "c");
    assertThat(script.runs).doesNotContain("behind");
    assertThat(queued())
        .containsExactly(
            "index_commits outage refs/heads/master 11111111",
            "index_commits behind refs/heads/master 11111111")
        .inOrder();
    assertThat(worker.lastError()).contains("index_commits outage");

    serviceBack.countDown();
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    assertThat(script.runs.get(script.runs.size() - 1)).isEqualTo("behind");
    assertThat(files("outbox/failed")).isEmpty();
    waitFor("the report cleared", () -> worker.lastError() == null);
  }

  @Test
  public void aStopWithBothLanesBusyLosesNothingAndTheNextStartRunsTheRest() throws Exception {
    script.reconciled.addAll(List.of("a", "b", "c"));
    CountDownLatch bothRunning = new CountDownLatch(2);
    Behaviour untilStopped =
        attempt -> {
          if (attempt == 1) {
            bothRunning.countDown();
            new CountDownLatch(1).await(); // until the stop interrupts it
          }
        };
    script.byProject.put("b", untilStopped);
    script.byProject.put("pushed", untilStopped);
    JobWorker worker = start();
    worker.submit(new Job.ReconcileAll());
    worker.submit(push("pushed"));
    worker.submit(push("behind"));
    assertThat(bothRunning.await(60, TimeUnit.SECONDS)).isTrue();

    worker.stop();

    assertThat(script.runs).containsExactly("a", "pushed", "b");
    // Which lane got how far first is up to the threads; nothing is lost either way.
    assertThat(queued())
        .containsExactly(
            "reconcile_all after a",
            "index_commits pushed refs/heads/master 11111111",
            "index_commits behind refs/heads/master 11111111");
    assertThat(files("outbox/failed")).isEmpty();
    assertThat(worker.lastError()).isNull();

    start();
    waitFor("an empty outbox", () -> files("outbox").isEmpty());
    // The interrupted jobs ran again, each lane in its order, and nothing else ran twice.
    List<String> rescans = script.runs.stream().filter(List.of("a", "b", "c")::contains).toList();
    List<String> pushes =
        script.runs.stream().filter(List.of("pushed", "behind")::contains).toList();
    assertThat(rescans).containsExactly("a", "b", "b", "c").inOrder();
    assertThat(pushes).containsExactly("pushed", "pushed", "behind").inOrder();
    assertThat(files("outbox/failed")).isEmpty();
  }
}
