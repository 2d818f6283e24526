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

package com.googlesource.gerrit.plugins.imagestore.service.replicas;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.ServiceJar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of the service, two real processes started from the shaded jar, on one PostgreSQL
 * database and one blob directory. Concurrent uploads of overlapping content, deletes, and
 * reference adds and replaces go to both at random; afterwards both must serve the same, consistent
 * data.
 */
class TwoReplicasIT {
  private static final String PASSWORD = "replica-test-password";

  /** Ids 0..IDS-1 hold contents id % CONTENTS: several ids share each content. */
  private static final int IDS = 24;

  private static final int CONTENTS = 8;
  private static final int WORKERS = 6;
  private static final int OPS_PER_WORKER = 60;

  @TempDir Path dir;
  private PostgresTestDatabase pg;
  private ServiceJar jar;
  private final List<Process> processes = new ArrayList<>();
  private final List<URI> replicas = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final byte[][] contents = new byte[CONTENTS][];

  @BeforeEach
  void startTwoReplicas() throws Exception {
    pg = PostgresTestDatabase.create();
    for (int i = 0; i < CONTENTS; i++) {
      contents[i] = TestPngs.png(40 + i, 30, 1000 + i);
    }
    jar = new ServiceJar(Files.createDirectories(dir.resolve("shared-data")), pg);
    for (String role : List.of("uploader", "indexer", "admin")) {
      jar.cli(dir.resolve("cli.log"), PASSWORD + "\n", "user", "add", role, "--role", role);
    }
    for (int i = 0; i < 2; i++) {
      ServiceJar.Server replica = jar.serve(dir.resolve("replica-" + i + ".log"));
      processes.add(replica.process());
      replicas.add(replica.url());
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static String id(int n) {
    return String.format("%032x", n + 1);
  }

  private byte[] contentOf(int n) {
    return contents[n % CONTENTS];
  }

  private HttpResponse<byte[]> send(
      URI replica, String method, String path, String user, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(replica.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
    if (body != null) {
      b.header("Content-Type", path.startsWith("images") ? "image/png" : "application/json");
    }
    return http.send(b.build(), BodyHandlers.ofByteArray());
  }

  /**
   * Uploads authenticate from an account row a replica read seconds before, and confirm the account
   * in the transaction that records them: once the command line (a third process) has removed an
   * account, no upload of it commits through either replica, though both had just let it in.
   */
  @Test
  void anAccountRemovedByTheCommandLineStoresNothingMoreThroughAnyReplica() throws Exception {
    for (int r = 0; r < 2; r++) {
      byte[] png = TestPngs.png(60 + r, 40, 2000 + r);
      String uuid = ImageId.sha256Hex(png).substring(0, 32);
      assertThat(send(replicas.get(r), "PUT", "images/" + uuid, "uploader", png).statusCode())
          .isEqualTo(201);
    }
    jar.cli(dir.resolve("cli.log"), "", "user", "remove", "uploader");
    for (int r = 0; r < 2; r++) {
      byte[] png = TestPngs.png(70 + r, 40, 3000 + r);
      String uuid = ImageId.sha256Hex(png).substring(0, 32);
      HttpResponse<byte[]> put = send(replicas.get(r), "PUT", "images/" + uuid, "uploader", png);
      // account_changed when the replica let the request in from the row it had read (within
      // seconds, as here mostly), unauthorized when it read the account again: never stored.
      assertWithMessage(
              "PUT through replica %s: %s", r, new String(put.body(), StandardCharsets.UTF_8))
          .that(put.statusCode())
          .isEqualTo(401);
      for (URI replica : replicas) {
        assertThat(send(replica, "GET", "images/" + uuid, null, null).statusCode()).isEqualTo(404);
      }
    }
  }

  @Test
  void replicasServeTheSameDataAndNeverCorruptEachOther() throws Exception {
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    // Each worker owns one project: its final reference set is known exactly.
    List<Map<String, ReferenceInfo>> models = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        Map<String, ReferenceInfo> model = new HashMap<>();
        models.add(model);
        int worker = w;
        work.add(pool.submit(() -> hammer(worker, model, statuses, failures)));
      }
      for (Future<?> f : work) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("status codes: " + statuses);
    assertWithMessage(
            "requests that failed: %s\nincidents in the replicas' logs:\n%s", failures, incidents())
        .that(failures)
        .isEmpty();
    assertWithMessage("status codes seen: %s", statuses)
        .that(statuses.keySet().stream().filter(s -> s >= 500).toList())
        .isEmpty();

    // Both replicas list the same images, and serve each with the right bytes.
    List<String> listed = list(replicas.get(0));
    assertThat(list(replicas.get(1))).isEqualTo(listed);
    assertThat(listed).isNotEmpty();
    System.out.println("images left: " + listed.size());
    Set<String> referencedIds = new HashSet<>();
    for (Map<String, ReferenceInfo> m : models) {
      m.values().forEach(r -> referencedIds.add(r.uuid));
    }
    Set<String> usedShas = new TreeSet<>();
    for (String uuid : listed) {
      int n = Integer.parseInt(uuid, 16) - 1;
      String expectedSha = ImageId.sha256Hex(contentOf(n));
      for (URI replica : replicas) {
        HttpResponse<byte[]> get = send(replica, "GET", "images/" + uuid, null, null);
        assertWithMessage("GET %s from %s", uuid, replica).that(get.statusCode()).isEqualTo(200);
        assertWithMessage("bytes of %s", uuid).that(get.body()).isEqualTo(contentOf(n));
        ImageInfo info =
            Json.gson()
                .fromJson(
                    new String(
                        send(replica, "GET", "images/" + uuid + "/info", "uploader", null).body(),
                        StandardCharsets.UTF_8),
                    ImageInfo.class);
        assertThat(info.sha256).isEqualTo(expectedSha);
        boolean referenced = referencedIds.contains(uuid);
        assertWithMessage("%s referenced", uuid).that(info.referenced).isEqualTo(referenced);
        assertWithMessage("%s orphanedAt %s while referenced=%s", uuid, info.orphanedAt, referenced)
            .that(info.orphanedAt == null)
            .isEqualTo(referenced);
      }
      usedShas.add(expectedSha);
    }

    // References: exactly each worker's last state, the same through both replicas.
    for (int w = 0; w < WORKERS; w++) {
      String project = "project-" + w;
      List<ReferenceInfo> expected = new ArrayList<>(models.get(w).values());
      for (URI replica : replicas) {
        ReferenceSetInfo digest =
            Json.gson()
                .fromJson(
                    new String(
                        send(
                                replica,
                                "GET",
                                "references/digest?project=" + project,
                                "uploader",
                                null)
                            .body(),
                        StandardCharsets.UTF_8),
                    ReferenceSetInfo.class);
        assertWithMessage("%s through %s", project, replica)
            .that(digest.digest)
            .isEqualTo(ReferenceSetDigest.of(expected));
        assertThat(digest.count).isEqualTo(expected.size());
      }
    }

    // No blob row or blob file that no image needs, and none missing.
    assertThat(blobRows()).isEqualTo(usedShas);
    assertThat(blobFiles()).isEqualTo(usedShas);
    for (URI replica : replicas) {
      assertThat(send(replica, "GET", "health", null, null).statusCode()).isEqualTo(200);
    }

    // The database password reached the replicas through their environment only.
    for (int i = 0; i < 2; i++) {
      if (pg.password() != null) {
        assertThat(Files.readString(dir.resolve("replica-" + i + ".log")))
            .doesNotContain(pg.password());
      }
    }
  }

  /** The lines of the replicas' logs from each incident on, for a failure message. */
  private String incidents() throws IOException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      String name = "replica-" + i;
      List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
      for (int n = 0; n < lines.size(); n++) {
        if (lines.get(n).contains("incident")) {
          lines
              .subList(n, Math.min(lines.size(), n + 40))
              .forEach(l -> out.append(name).append(": ").append(l).append('\n'));
        }
      }
    }
    return out.toString();
  }

  private void hammer(
      int worker,
      Map<String, ReferenceInfo> model,
      Map<Integer, Integer> statuses,
      List<String> failures) {
    Random random = new Random(worker * 7919L);
    String project = "project-" + worker;
    for (int op = 0; op < OPS_PER_WORKER; op++) {
      URI replica = replicas.get(random.nextInt(2));
      int n = random.nextInt(IDS);
      String uuid = id(n);
      try {
        int roll = random.nextInt(10);
        HttpResponse<byte[]> r;
        if (roll < 4) {
          // Ids chosen to share content: an admin's import stores under them.
          r = send(replica, "PUT", "images/" + uuid + "?import=true", "admin", contentOf(n));
          expect(r, failures, "PUT " + uuid, 200, 201);
        } else if (roll < 6) {
          r = send(replica, "DELETE", "images/" + uuid + "?force=true", "admin", null);
          expect(r, failures, "DELETE " + uuid, 204, 404);
        } else if (roll < 8) {
          ReferenceInfo ref = ref(project, random, uuid);
          ReferencesInput in = new ReferencesInput();
          in.references = List.of(ref);
          r = send(replica, "POST", "references", "indexer", json(in));
          expect(r, failures, "POST references", 200);
          model.put(key(ref), ref);
        } else {
          ReferencesInput in = new ReferencesInput();
          in.project = project;
          in.references = new ArrayList<>();
          for (int k = random.nextInt(5); k > 0; k--) {
            in.references.add(ref(project, random, id(random.nextInt(IDS))));
          }
          r = send(replica, "PUT", "references", "indexer", json(in));
          expect(r, failures, "PUT references", 200);
          model.clear();
          in.references.forEach(ref -> model.put(key(ref), ref));
        }
        statuses.merge(r.statusCode(), 1, Integer::sum);
        // Whatever exists at any moment is readable in full.
        HttpResponse<byte[]> get = send(replica, "GET", "images/" + uuid, null, null);
        statuses.merge(get.statusCode(), 1, Integer::sum);
        if (get.statusCode() == 200 && !java.util.Arrays.equals(get.body(), contentOf(n))) {
          failures.add("GET " + uuid + " returned other bytes");
        }
      } catch (Exception e) {
        failures.add(e.toString());
      }
    }
  }

  private static ReferenceInfo ref(String project, Random random, String uuid) {
    String branch = random.nextBoolean() ? "master" : "rel-1";
    String path = "images/spec/p" + random.nextInt(4) + ".ref.lnk";
    return new ReferenceInfo(project, branch, "c".repeat(40), path, uuid);
  }

  private static String key(ReferenceInfo r) {
    return r.branch + '\0' + r.path + '\0' + r.uuid;
  }

  private static byte[] json(Object o) {
    return Json.gson().toJson(o).getBytes(StandardCharsets.UTF_8);
  }

  private static void expect(
      HttpResponse<byte[]> r, List<String> failures, String what, Integer... ok) {
    if (!List.of(ok).contains(r.statusCode())) {
      failures.add(
          what + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  private List<String> list(URI replica) throws Exception {
    HttpResponse<byte[]> r = send(replica, "GET", "images/?limit=10000", "uploader", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.gson()
        .fromJson(
            new String(r.body(), StandardCharsets.UTF_8),
            new TypeToken<List<String>>() {}.getType());
  }

  private Set<String> blobRows() throws Exception {
    Set<String> out = new TreeSet<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sha256 FROM blobs")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private Set<String> blobFiles() throws IOException {
    Path root = dir.resolve("shared-data").resolve("blobs");
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(root.resolve(".tmp")))
          .forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }
}
