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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck.Finding.OWED_RECHECK;
import static com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck.Finding.STALE_SPOOL;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck.Finding;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.ServiceJar;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A project's first import streamed over a raw chunked request ({@code PUT /references/import}),
 * the service SIGKILLed in the middle of it, on the embedded H2 and on PostgreSQL. The import's one
 * transaction must leave all of it or nothing: after the restart the project holds no reference of
 * an import the kill cut, every image's orphan mark agrees with its references, {@code fsck} finds
 * nothing but what any kill leaves (its repair then leaves a clean store), and a whole import of
 * the same project then succeeds with exactly the set it sent. Killed right after the array's last
 * byte (its answer unread), the import is there whole or not at all. The kills wait for conditions
 * the service's metrics show (references inserted, imports running), never for a time.
 */
class ReferenceImportCrashIT {
  private static final String PROJECT = "ui/app";

  /** Sent before the stall: two statements' worth of references (2,000 each) and half of one. */
  private static final int REFERENCES = 5_000;

  private static final int STATEMENT = 2_000;

  @TempDir Path dir;

  /**
   * The kill comes once the service has inserted two statements of the import (its metrics say so)
   * and waits for the rest of the body, which never comes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"H2", "POSTGRESQL"})
  void anImportCutByAKillLeavesNothing(String database) throws Exception {
    try (Store store = new Store(database)) {
      List<String> images = store.uploadImages();
      List<ReferenceInfo> set = referencesTo(images);
      try (Socket stream = store.beginImport()) {
        sendChunk(stream, "[" + joined(set) + ","); // more to come: the array stays open
        awaitInserted(store.run, 2 * STATEMENT);
        assertThat(metric(store.run, "imagestore_reference_imports_running")).isEqualTo(1L);
        // The third statement waits for references that never come.
        assertThat(metric(store.run, "imagestore_reference_imports_references"))
            .isEqualTo(2L * STATEMENT);
        store.kill();
      }
      store.fsckFindsOnlyWhatAKillLeaves();
      store.restart();

      assertWithMessage("references of the import a kill cut, after the restart")
          .that(store.digest().count)
          .isEqualTo(0);
      store.assertMarksAgreeWithReferences(images);

      store.importWhole(set);
      store.assertMarksAgreeWithReferences(images);
      store.stop();
      store.fsckFindsItClean("after the whole import");
    }
  }

  /**
   * The kill comes right after the last chunk went out, before the answer is read: at once, or once
   * the service has inserted all of it (the commit then runs or is about to), so that both outcomes
   * come about.
   */
  @ParameterizedTest(name = "{0}, kill once all is inserted: {1}")
  @CsvSource({"H2,false", "H2,true", "POSTGRESQL,false", "POSTGRESQL,true"})
  void anImportKilledAtItsEndIsAllOrNothing(String database, boolean allInserted) throws Exception {
    try (Store store = new Store(database)) {
      List<String> images = store.uploadImages();
      List<ReferenceInfo> set = referencesTo(images);
      try (Socket stream = store.beginImport()) {
        sendChunk(stream, "[" + joined(set) + "]");
        stream.getOutputStream().write("0\r\n\r\n".getBytes(UTF_8));
        stream.getOutputStream().flush();
        if (allInserted) {
          awaitInsertedOrEnded(store.run, REFERENCES);
        }
        store.kill();
      }
      store.fsckFindsOnlyWhatAKillLeaves();
      store.restart();

      ReferenceSetInfo stored = store.digest();
      assertWithMessage("references of %s after a kill at the end of its import", PROJECT)
          .that(stored.count)
          .isAnyOf(0, REFERENCES);
      store.assertMarksAgreeWithReferences(images);
      if (stored.count == REFERENCES) {
        assertThat(stored.digest).isEqualTo(ReferenceSetDigest.of(set));
        // The import took: a second one finds the project full.
        HttpResponse<byte[]> again = store.sendImport(set);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(new String(again.body(), UTF_8)).contains("not_empty");
      } else {
        store.importWhole(set);
        store.assertMarksAgreeWithReferences(images);
      }
      System.out.printf(
          "%s: an import killed at its end (%s) was %s%n",
          database,
          allInserted ? "once all was inserted" : "at once",
          stored.count == 0 ? "not there (rolled back)" : "there whole (committed)");
      store.stop();
      store.fsckFindsItClean("at the end");
    }
  }

  /** {@link #REFERENCES} references of the project naming the first three of {@code images}. */
  private static List<ReferenceInfo> referencesTo(List<String> images) {
    List<ReferenceInfo> set = new ArrayList<>();
    for (int i = 0; i < REFERENCES; i++) {
      set.add(
          new ReferenceInfo(
              PROJECT,
              i % 2 == 0 ? "refs/heads/master" : "refs/heads/rel-1",
              "a".repeat(40),
              "images/shot" + i + ".ref.lnk",
              images.get(i % 3)));
    }
    return set;
  }

  private static String joined(List<ReferenceInfo> set) {
    StringBuilder s = new StringBuilder();
    for (ReferenceInfo r : set) {
      if (!s.isEmpty()) {
        s.append(',');
      }
      s.append(Json.gson().toJson(r));
    }
    return s.toString();
  }

  private static void sendChunk(Socket stream, String text) throws Exception {
    byte[] chunk = text.getBytes(UTF_8);
    OutputStream out = stream.getOutputStream();
    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(UTF_8));
    out.write(chunk);
    out.write("\r\n".getBytes(UTF_8));
    out.flush();
  }

  /** Polls the metrics until the running import has inserted {@code count} references. */
  private static void awaitInserted(CrashRun run, long count) throws Exception {
    awaitImport(run, count, false);
  }

  /** The same, or until no import runs any more (it ended: committed, or refused). */
  private static void awaitInsertedOrEnded(CrashRun run, long count) throws Exception {
    awaitImport(run, count, true);
  }

  private static void awaitImport(CrashRun run, long count, boolean orEnded) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long seen = -1;
    while (System.nanoTime() < deadline) {
      seen = metric(run, "imagestore_reference_imports_references");
      if (seen >= count || (orEnded && metric(run, "imagestore_reference_imports_running") == 0)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "the import inserted " + seen + " references in 120 s, waiting for " + count);
  }

  private static final Pattern SAMPLE = Pattern.compile("(?m)^(\\w+) (\\S+)$");

  private static long metric(CrashRun run, String name) throws Exception {
    HttpResponse<byte[]> r = run.get("metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = SAMPLE.matcher(new String(r.body(), UTF_8));
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return (long) Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  /** A store (data directory and database), the service process on it and the test's client. */
  private final class Store implements AutoCloseable {
    private final String database;
    private final PostgresTestDatabase pg;
    private final ServiceJar jar;
    private final Path log = dir.resolve("service.log");
    private final CrashRun run;
    private ServiceJar.Server server;
    private int epoch;

    Store(String database) throws Exception {
      this.database = database;
      this.pg = database.equals("POSTGRESQL") ? PostgresTestDatabase.create() : null;
      this.jar = new ServiceJar(Files.createDirectories(dir.resolve("data")), pg);
      this.run = new CrashRun(database);
      CrashRun.addAdmin(jar, dir.resolve("cli.log"));
      restart();
    }

    void restart() throws Exception {
      server = jar.serve(log);
      run.begin(++epoch, server.url());
    }

    void kill() throws Exception {
      run.killing();
      server.process().destroyForcibly().waitFor();
      server = null;
    }

    void stop() throws Exception {
      server.stop();
      server = null;
    }

    /** Four real screenshots: three for the references to name, one that stays unnamed. */
    List<String> uploadImages() throws Exception {
      List<String> uuids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        byte[] png = TestPngs.screenshot(64, 48, i);
        String uuid = ImageId.forContent(png).value();
        HttpResponse<byte[]> r =
            run.send("PUT", "images/" + uuid, png, "Content-Type", "image/png");
        assertWithMessage(new String(r.body(), UTF_8)).that(r.statusCode()).isEqualTo(201);
        uuids.add(uuid);
      }
      return uuids;
    }

    /** A raw chunked {@code PUT /references/import} of the project: its head sent, no body. */
    Socket beginImport() throws Exception {
      URI url = server.url();
      Socket socket = new Socket(url.getHost(), url.getPort());
      socket
          .getOutputStream()
          .write(
              ("PUT "
                      + url.getPath()
                      + "references/import?project="
                      + PROJECT
                      + " HTTP/1.1\r\nHost: "
                      + url.getAuthority()
                      + "\r\nAuthorization: "
                      + TestService.basic(CrashRun.ADMIN, CrashRun.PASSWORD)
                      + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                  .getBytes(UTF_8));
      return socket;
    }

    HttpResponse<byte[]> sendImport(List<ReferenceInfo> set) throws Exception {
      return run.send(
          "PUT",
          "references/import?project=" + PROJECT,
          ("[" + joined(set) + "]").getBytes(UTF_8),
          "Content-Type",
          "application/json");
    }

    /** Imports {@code set} whole (200) and finds exactly it stored. */
    void importWhole(List<ReferenceInfo> set) throws Exception {
      HttpResponse<byte[]> r = sendImport(set);
      String body = new String(r.body(), UTF_8);
      assertWithMessage(body).that(r.statusCode()).isEqualTo(200);
      assertThat(Json.gson().fromJson(body, ReferencesResult.class).added).isEqualTo(set.size());
      ReferenceSetInfo stored = digest();
      assertThat(stored.count).isEqualTo(set.size());
      assertThat(stored.digest).isEqualTo(ReferenceSetDigest.of(set));
    }

    ReferenceSetInfo digest() throws Exception {
      HttpResponse<byte[]> r = run.get("references/digest?project=" + PROJECT);
      assertThat(r.statusCode()).isEqualTo(200);
      return Json.gson().fromJson(new String(r.body(), UTF_8), ReferenceSetInfo.class);
    }

    /** An image is orphaned exactly when no reference names it. */
    void assertMarksAgreeWithReferences(List<String> images) throws Exception {
      for (String uuid : images) {
        HttpResponse<byte[]> r = run.get("images/" + uuid + "/info");
        assertThat(r.statusCode()).isEqualTo(200);
        ImageInfo info = Json.gson().fromJson(new String(r.body(), UTF_8), ImageInfo.class);
        assertWithMessage(
                "image %s on %s: %s references, orphanedAt %s",
                uuid, database, info.references.size(), info.orphanedAt)
            .that(info.orphanedAt == null)
            .isEqualTo(!info.references.isEmpty());
      }
    }

    /**
     * {@code fsck} with the service stopped (the embedded database needs it so) right after a kill:
     * it may find what any kill leaves, the killed process's spool directory and, after a commit,
     * the orphan rechecks owed to the import (the next start settles them); nothing else, and above
     * all no orphan mark out of step with the references.
     */
    void fsckFindsOnlyWhatAKillLeaves() throws Exception {
      assertProblems(fsck("fsck"), "after the kill", STALE_SPOOL, OWED_RECHECK);
    }

    /**
     * {@code fsck --repair} repairs no more than a kill leaves, and {@code fsck} then finds it
     * clean.
     */
    void fsckFindsItClean(String when) throws Exception {
      assertProblems(fsck("fsck", "--repair"), "--repair " + when, STALE_SPOOL);
      ServiceJar.Result r = fsck("fsck");
      assertWithMessage("fsck %s on %s:\n%s", when, database, r.output())
          .that(r.exitCode())
          .isEqualTo(0);
    }

    private ServiceJar.Result fsck(String... args) throws Exception {
      return jar.run(dir.resolve("fsck.log"), "", args);
    }

    private void assertProblems(ServiceJar.Result r, String when, Finding... allowed) {
      List<String> problems = r.output().lines().filter(l -> l.startsWith("PROBLEM ")).toList();
      for (String problem : problems) {
        assertWithMessage("fsck %s on %s:\n%s", when, database, r.output())
            .that(
                Arrays.stream(allowed)
                    .anyMatch(f -> problem.startsWith("PROBLEM " + f.description + ":")))
            .isTrue();
      }
      assertWithMessage("fsck %s on %s:\n%s", when, database, r.output())
          .that(r.exitCode())
          .isEqualTo(problems.isEmpty() ? 0 : 1);
    }

    @Override
    public void close() throws Exception {
      try {
        if (server != null) {
          server.process().destroyForcibly().waitFor();
        }
      } finally {
        if (pg != null) {
          pg.close();
        }
      }
    }
  }
}
