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

package com.googlesource.gerrit.plugins.imagestore.service.crash;

import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.TrashInfo;
import com.googlesource.gerrit.plugins.imagestore.service.crash.CrashWorker.State;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.ServiceJar;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The service crash suite: a real service process from the shaded jar, concurrent clients writing
 * (uploads, deletes, restores, purges, references), killed with SIGKILL at random moments and
 * restarted on the same store, again and again; on the embedded H2 and on PostgreSQL.
 *
 * <p>Each worker ({@link CrashWorker}) owns its ids and its project, so what it was answered
 * defines their state exactly: a 2xx is an acknowledgement, and an acknowledged write must survive
 * every later kill. The one request of a worker in flight at a kill may have happened or not, but
 * never half. After each restart the in-flight requests are resolved and everything acknowledged
 * since the previous kill is checked (so a loss names its kill); at the end everything is checked
 * again, the listings of images and trash must hold exactly the expected ids, and {@code fsck
 * --repair} followed by {@code fsck} must leave a clean store that still holds all of it.
 *
 * <p>System properties: {@code imagestore.crash.kills} (20 per database), {@code .workers} (5),
 * {@code .seconds} (time budget per database, 300; kills that do not fit are skipped and reported),
 * {@code .minKills} (fewer kills within the budget fail the run, 5), {@code .minLoadMs}/{@code
 * .maxLoadMs} (load before each kill, 200/1500), {@code .startupKillEvery} (every Nth restart is
 * also killed while starting, 4; 0 never), {@code .seed}, {@code .databases} (e.g. {@code H2};
 * default both), {@code .expectSpoolCleanup} (whether the killed processes' upload spool must be
 * gone after a start; {@code auto}: when the jar has {@code fsck}), {@code .out} (logs and
 * findings, {@code target/service-crash}). With {@code
 * -Djunit.jupiter.execution.parallel.enabled=true} the two databases run at the same time.
 */
class ServiceCrashIT {
  enum Db {
    H2,
    POSTGRESQL
  }

  private static final int KILLS = Integer.getInteger("imagestore.crash.kills", 20);
  private static final int WORKERS = Integer.getInteger("imagestore.crash.workers", 5);
  private static final int BUDGET_SECONDS = Integer.getInteger("imagestore.crash.seconds", 300);
  private static final int MIN_KILLS =
      Math.min(KILLS, Integer.getInteger("imagestore.crash.minKills", 5));
  private static final int MIN_LOAD_MS = Integer.getInteger("imagestore.crash.minLoadMs", 200);
  private static final int MAX_LOAD_MS = Integer.getInteger("imagestore.crash.maxLoadMs", 1500);

  /**
   * How old a spool directory whose lock is free must be before a start removes it (the service's
   * SpoolDirectory.STARTING_AGE).
   */
  private static final int STARTING_AGE_SECONDS = 10;

  private static final int STARTUP_KILL_EVERY =
      Integer.getInteger("imagestore.crash.startupKillEvery", 4);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Db.class)
  @Execution(ExecutionMode.CONCURRENT)
  void acknowledgedWritesSurviveSigkill(Db db) throws Exception {
    String only = System.getProperty("imagestore.crash.databases", "");
    assumeTrue(
        only.isBlank() || List.of(only.toUpperCase(Locale.ROOT).split(",")).contains(db.name()),
        "-Dimagestore.crash.databases=" + only);
    PostgresTestDatabase pg = db == Db.POSTGRESQL ? PostgresTestDatabase.create() : null;
    try {
      new Scenario(db, pg).run();
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  private final class Scenario {
    private final Db db;
    private final ServiceJar jar;
    private final Path out;
    private final Path log;
    private final CrashRun run;
    private final long seed;
    private final Random random;
    private final List<CrashWorker> workers = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private ServiceJar.Server server;
    private int starts;
    private int looseSpoolFiles;
    private int spoolDirectories;

    Scenario(Db db, PostgresTestDatabase pg) throws IOException {
      this.db = db;
      this.jar = new ServiceJar(Files.createDirectories(dir.resolve("data")), pg);
      this.out =
          Files.createDirectories(
              Path.of(System.getProperty("imagestore.crash.out", "target/service-crash"))
                  .resolve(db.name().toLowerCase(Locale.ROOT)));
      this.log = out.resolve("service.log");
      Files.deleteIfExists(log);
      Files.deleteIfExists(out.resolve("problems.txt"));
      this.run = new CrashRun(db.name());
      String s = System.getProperty("imagestore.crash.seed");
      this.seed = s == null || s.isBlank() ? new Random().nextLong() : Long.parseLong(s);
      this.random = new Random(seed);
    }

    void run() throws Exception {
      try {
        crashAgainAndAgain();
      } catch (Exception | AssertionError e) {
        throw new AssertionError(
            "the crash run on " + db + " broke off: " + e + "\n" + logTail(), e);
      } finally {
        pool.shutdownNow();
        if (server != null) {
          server.process().destroyForcibly().waitFor();
        }
      }
      report();
    }

    private void crashAgainAndAgain() throws Exception {
      CrashRun.addAdmin(jar, out.resolve("cli.log"));
      boolean fsck = fsckAvailable();
      String cleanup = System.getProperty("imagestore.crash.expectSpoolCleanup", "auto");
      boolean expectCleanup = cleanup.equals("auto") ? fsck : Boolean.parseBoolean(cleanup);
      int tag = random.nextInt();
      for (int w = 0; w < WORKERS; w++) {
        workers.add(new CrashWorker(run, w, tag, random.nextLong()));
      }
      System.out.printf(
          "crash suite on %s: %d kills, %d workers, seed %d (-Dimagestore.crash.seed=%d)%n",
          db, KILLS, WORKERS, seed, seed);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
      start("first start");
      run.begin(1, server.url());
      int kill = 0;
      int startupKills = 0;
      while (kill < KILLS && System.nanoTime() < deadline) {
        kill++;
        List<Future<?>> load = new ArrayList<>();
        for (CrashWorker w : workers) {
          load.add(
              pool.submit(
                  () -> {
                    w.work();
                    return null;
                  }));
        }
        long loadMs = MIN_LOAD_MS + random.nextInt(Math.max(1, MAX_LOAD_MS - MIN_LOAD_MS));
        Thread.sleep(loadMs);
        run.killing();
        server.process().destroyForcibly().waitFor();
        server = null;
        for (Future<?> f : load) {
          get(f);
        }
        int acknowledged = acknowledgedCount();
        int inFlight = run.inFlightAtKills.get();
        if (STARTUP_KILL_EVERY > 0 && kill % STARTUP_KILL_EVERY == 0) {
          startupKills++;
          killWhileStarting(kill);
        }
        long restart = System.nanoTime();
        start("after kill #" + kill);
        long restartMs = (System.nanoTime() - restart) / 1_000_000;
        countSpool();
        run.begin(kill + 1, server.url());
        int problemsBefore = run.problems.size();
        forEachWorker(w -> w.settle(run.epoch() - 1));
        System.out.printf(
            "%s kill #%d after %d ms of load (%d writes acknowledged so far, %d cut by kills),"
                + " restarted in %d ms, %d new problems%n",
            db,
            kill,
            loadMs,
            acknowledged,
            inFlight,
            restartMs,
            run.problems.size() - problemsBefore);
      }
      // The budget bounds the suite's time in CI; it is not a speed test. A loaded machine fits
      // fewer kills, and that is reported; only a run with almost no kills proves too little.
      if (kill < MIN_KILLS) {
        run.problem(
            "BUDGET: only "
                + kill
                + " of "
                + KILLS
                + " kills (at least "
                + MIN_KILLS
                + " needed) fit in the budget of "
                + BUDGET_SECONDS
                + " s (-Dimagestore.crash.seconds)");
      } else if (kill < KILLS) {
        notes.add(kill + " of " + KILLS + " kills fit in the budget of " + BUDGET_SECONDS + " s");
      }
      notes.add(
          kill
              + " kills under load, "
              + startupKills
              + " more while starting, "
              + starts
              + " starts");
      forEachWorker(w -> w.verifyAll("by the end"));
      checkListings("LISTING at the end");
      server.stop();
      server = null;
      if (expectCleanup) {
        checkSpoolCleanup();
      }
      String last = "after a clean restart";
      if (!fsck) {
        notes.add(
            "fsck SKIPPED: this jar has no 'fsck' command (java -jar imagestore-service.jar fsck"
                + " --help); the repair and the clean-store check did not run");
      } else {
        fsck("--repair");
        fsck();
        // With the service stopped nothing is in flight: the bytes of the uploads the kills cut
        // (kept for the grace period while a service runs) go too, and nothing acknowledged.
        // Each of them left a note that a start or the repair turned into a row: none is a stray
        // that only this listing of every blob finds.
        String repaired = fsck("--repair", "--grace", "0");
        if (repaired.contains(ConsistencyCheck.Finding.STRAY_BYTES.description)) {
          run.problem(
              "STRAY: bytes of an upload cut by a kill were found only by listing the blobs (its"
                  + " note should have recorded them):\n"
                  + indent(repaired));
        }
        fsck("--grace", "0");
        last = "after fsck --repair";
      }
      start(last);
      run.begin(kill + 2, server.url());
      String at = last;
      forEachWorker(w -> w.verifyAll(at));
      checkListings("LISTING " + last);
      server.stop();
      server = null;
    }

    /**
     * Once the killed processes' spool directories are old enough for a start to take them as dead,
     * a start leaves none of them (only its own), and a clean stop removes its own.
     */
    private void checkSpoolCleanup() throws Exception {
      awaitSpoolOlderThan(STARTING_AGE_SECONDS);
      List<String> before = spoolFiles();
      start("to see the spool cleaned");
      List<String> left = spoolFiles();
      server.stop();
      server = null;
      if (left.size() != 1 || !left.get(0).startsWith("p-") || before.contains(left.get(0))) {
        run.problem(
            "SPOOL: with the killed processes' spool directories "
                + before
                + " older than "
                + STARTING_AGE_SECONDS
                + " s, a start leaves in blobs/.tmp "
                + left
                + " (want only its own new p-… directory)");
      }
      if (!spoolFiles().isEmpty()) {
        run.problem("SPOOL: after a clean stop blobs/.tmp holds " + spoolFiles());
      }
    }

    /**
     * Runs fsck with the service stopped; without --repair it must find the store clean. Returns
     * what it printed.
     */
    private String fsck(String... args) throws IOException {
      List<String> all = new ArrayList<>(List.of("fsck"));
      all.addAll(List.of(args));
      ServiceJar.Result r = jar.run(out.resolve("fsck.log"), "", all.toArray(String[]::new));
      String output = indent(r.output());
      List<String> lines = output.lines().toList();
      notes.add(
          String.join(" ", all)
              + " exit "
              + r.exitCode()
              + ":\n"
              + (lines.size() <= 8
                  ? output
                  : String.join("\n", lines.subList(0, 8))
                      + "\n    … (all in "
                      + out.resolve("fsck.log")
                      + ")"));
      if (!all.contains("--repair") && r.exitCode() != 0) {
        run.problem(
            "FSCK: "
                + String.join(" ", all)
                + " after the repair exits "
                + r.exitCode()
                + " (want 0, a clean store):\n"
                + indent(r.output()));
      }
      return r.output();
    }

    private int acknowledgedCount() {
      return run.acknowledged.values().stream().mapToInt(a -> a.get()).sum();
    }

    /** Starts the service on the store (appending to the log) and waits until it listens. */
    private void start(String why) throws IOException {
      marker("start #" + (++starts) + " (" + why + ")");
      server = jar.serve(log);
    }

    /**
     * Starts the service and kills it at a random moment of its start (before or after listening).
     */
    private void killWhileStarting(int kill) throws Exception {
      marker("start #" + (++starts) + " (after kill #" + kill + "), to be killed while starting");
      Process p = jar.launch(log);
      Thread.sleep(random.nextInt(3000));
      p.destroyForcibly().waitFor();
    }

    private void marker(String text) throws IOException {
      Files.writeString(
          log,
          "==== crash suite: " + text + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }

    private boolean fsckAvailable() throws IOException {
      ServiceJar.Result help = jar.run(out.resolve("cli.log"), "", "fsck", "--help");
      return help.exitCode() == 0 && help.output().contains("imagestore fsck");
    }

    /**
     * What the killed processes left in the upload spool ({@code blobs/.tmp}) once the new one
     * listens, counted for the report: loose files (spooled there before each process had a
     * directory of its own) and {@code p-…} directories (one per process; a start removes those of
     * dead processes that are older than {@link #STARTING_AGE_SECONDS}).
     */
    private void countSpool() throws IOException {
      for (String name : spoolFiles()) {
        if (name.startsWith("p-")) {
          spoolDirectories++;
        } else {
          looseSpoolFiles++;
        }
      }
    }

    private Path spool() {
      return jar.data().resolve("blobs").resolve(".tmp");
    }

    private List<String> spoolFiles() throws IOException {
      if (!Files.isDirectory(spool())) {
        return List.of();
      }
      try (Stream<Path> files = Files.list(spool())) {
        return files.map(p -> p.getFileName().toString()).sorted().toList();
      }
    }

    /** Waits until nothing in the spool changed in the last {@code seconds} (by its mtime). */
    private void awaitSpoolOlderThan(int seconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60);
      while (System.nanoTime() < deadline) {
        long newest = 0;
        try (Stream<Path> files = Files.list(spool())) {
          for (Path p : files.toList()) {
            newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
          }
        }
        long wait = newest + TimeUnit.SECONDS.toMillis(seconds) + 500 - System.currentTimeMillis();
        if (wait <= 0) {
          return;
        }
        Thread.sleep(wait);
      }
    }

    /** The service lists exactly the live images and the trash entries the workers expect. */
    private void checkListings(String when) throws Exception {
      Set<String> live = new TreeSet<>();
      Set<String> trashed = new TreeSet<>();
      Set<String> unknown = new TreeSet<>();
      for (CrashWorker w : workers) {
        Map<State, Set<String>> states = w.byState();
        live.addAll(states.get(State.LIVE));
        trashed.addAll(states.get(State.TRASHED));
        unknown.addAll(w.retired());
      }
      compare(when, "GET /images/", live, listAll("images/", null), unknown);
      compare(when, "GET /trash", trashed, listAll("trash", TrashInfo.class), unknown);
    }

    private void compare(
        String when, String listing, Set<String> want, Set<String> got, Set<String> unknown) {
      Set<String> missing = new TreeSet<>(want);
      missing.removeAll(got);
      Set<String> extra = new TreeSet<>(got);
      extra.removeAll(want);
      extra.removeAll(unknown);
      if (!missing.isEmpty() || !extra.isEmpty()) {
        run.problem(
            when
                + ": "
                + listing
                + " lists "
                + got.size()
                + " ids; acknowledged but missing: "
                + missing
                + "; listed but never acknowledged there (or purged): "
                + extra);
      }
    }

    /** Every id of a paged listing: plain ids, or objects with a uuid. */
    private Set<String> listAll(String path, Class<TrashInfo> objects) throws Exception {
      Set<String> ids = new TreeSet<>();
      String after = null;
      while (true) {
        HttpResponse<byte[]> r =
            run.get(path + "?limit=1000" + (after == null ? "" : "&after=" + after));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertWithMessage("%s: %s", path, body).that(r.statusCode()).isEqualTo(200);
        List<String> page =
            objects == null
                ? Json.gson().fromJson(body, new TypeToken<List<String>>() {}.getType())
                : Json.gson()
                    .<List<TrashInfo>>fromJson(body, new TypeToken<List<TrashInfo>>() {}.getType())
                    .stream()
                    .map(t -> t.uuid)
                    .toList();
        ids.addAll(page);
        if (page.size() < 1000) {
          return ids;
        }
        after = page.get(page.size() - 1);
      }
    }

    private interface WorkerStep {
      void run(CrashWorker w) throws Exception;
    }

    private void forEachWorker(WorkerStep step) throws Exception {
      List<Future<?>> running = new ArrayList<>();
      for (CrashWorker w : workers) {
        running.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      step.run(w);
                      return null;
                    }));
      }
      for (Future<?> f : running) {
        get(f);
      }
    }

    private void get(Future<?> f) throws Exception {
      try {
        f.get(10, TimeUnit.MINUTES);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }

    private void report() throws IOException {
      long seconds = (System.nanoTime() - run.startNanos) / 1_000_000_000L;
      StringBuilder summary = new StringBuilder();
      summary.append(
          String.format(
              "crash suite on %s (seed %d, %d s): acknowledged %s; %d requests cut by kills%n",
              db, seed, seconds, new TreeMap<>(run.acknowledged), run.inFlightAtKills.get()));
      notes.add(
          "upload spool (blobs/.tmp) right after the restarts: "
              + looseSpoolFiles
              + " loose files and "
              + spoolDirectories
              + " p-… directories in all");
      notes.forEach(n -> summary.append("  ").append(n).append('\n'));
      System.out.print(summary);
      List<String> problems = new ArrayList<>(run.problems);
      if (problems.isEmpty()) {
        return;
      }
      Files.write(out.resolve("problems.txt"), problems, StandardCharsets.UTF_8);
      StringBuilder message = new StringBuilder();
      message.append(
          String.format(
              "%d problems after SIGKILLs of the service on %s: acknowledged writes lost or half"
                  + " there%n",
              problems.size(), db));
      message.append("by kind and kill: ").append(tally(problems)).append('\n');
      problems.stream().limit(80).forEach(p -> message.append("  ").append(p).append('\n'));
      if (problems.size() > 80) {
        message.append(
            String.format(
                "  … %d more in %s%n", problems.size() - 80, out.resolve("problems.txt")));
      }
      message.append(summary);
      message.append(logTail());
      throw new AssertionError(message.toString());
    }

    private final Pattern kind = Pattern.compile("^\\[\\w+\\] (\\w+)(?: at (kill #\\d+))?");

    /** Counts problems by their first word (LOST, HALF, …) and the kill they begin with. */
    private Map<String, Integer> tally(List<String> problems) {
      Map<String, Integer> out = new TreeMap<>();
      for (String p : problems) {
        Matcher m = kind.matcher(p);
        String key = m.find() ? m.group(1) + (m.group(2) == null ? "" : " at " + m.group(2)) : "?";
        out.merge(key, 1, Integer::sum);
      }
      return out;
    }

    /** The service's log: the last lines and every line naming an incident or an error. */
    private String logTail() {
      try {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        StringBuilder s = new StringBuilder();
        List<String> incidents =
            lines.stream()
                .filter(l -> l.contains("incident") || l.contains("SEVERE") || l.contains("ERROR"))
                .limit(40)
                .toList();
        if (!incidents.isEmpty()) {
          s.append("incidents and errors in ").append(log).append(":\n");
          incidents.forEach(l -> s.append("  | ").append(l).append('\n'));
        }
        s.append("last lines of ").append(log).append(":\n");
        lines
            .subList(Math.max(0, lines.size() - 60), lines.size())
            .forEach(l -> s.append("  | ").append(l).append('\n'));
        return s.toString();
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }
  }

  private static String indent(String text) {
    return text.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }
}
