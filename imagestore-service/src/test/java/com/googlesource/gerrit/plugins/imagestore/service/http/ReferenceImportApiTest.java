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

import static com.google.common.truth.Truth.assertThat;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A project's first import streamed while the client scans ({@code PUT /references/import}), on
 * embedded H2 and PostgreSQL: all of it or nothing, whatever the stream does.
 */
class ReferenceImportApiTest extends ReferenceApiTestBase {
  private static String digestOf(List<ReferenceInfo> refs) {
    return ReferenceSetDigest.of(refs);
  }

  private int stored(String project) throws IOException {
    return client(INDEXER).referenceSet(project, null).count;
  }

  private HttpResponse<String> put(String path, String body) throws Exception {
    return put(path, INDEXER, "application/json", body);
  }

  private HttpResponse<String> put(String path, String user, String type, String body)
      throws Exception {
    return service.sendForString(
        service
            .request(path, user)
            .header("Content-Type", type)
            .PUT(BodyPublishers.ofString(body))
            .build());
  }

  /** The head of a chunked import request of ui/app, as a raw socket sends it. */
  private static byte[] chunkedImportHead() {
    return ("PUT /references/import?project=ui/app HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: "
            + TestService.basic(INDEXER, TestService.PASSWORD)
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .getBytes(UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void aFirstImportIsStreamedAndStoredWholeWithItsImagesMarksCleared(String database)
      throws Exception {
    start(database);
    Path file = dir.resolve("a.png");
    Files.write(file, TestPngs.png(1));
    ImageId id = client(UPLOADER).upload(file, null).id();
    assertThat(client(UPLOADER).info(id).orElseThrow().orphanedAt).isNotNull();
    List<ReferenceInfo> set = new ArrayList<>(randomSet("ui/app", 5_000, 1));
    set.add(
        new ReferenceInfo("ui/app", "refs/heads/master", COMMIT, "images/a.ref.lnk", id.value()));
    // Paths with what PostgreSQL's COPY escapes, and beyond ASCII, are stored as they are.
    for (String odd :
        List.of("tab\there", "new\nline", "back\\slash\\N", "cr\rhere", "caf\u00e9/\ud83d\ude00")) {
      set.add(
          new ReferenceInfo(
              "ui/app", "refs/heads/master", COMMIT, "images/" + odd + ".lnk", "ab".repeat(16)));
    }
    set.add(set.get(7)); // a duplicate in another batch is stored once,
    set.add(set.get(set.size() - 1)); // and so is one in the same batch

    ReferencesResult result =
        client(INDEXER).replaceReferences("ui/app", sink -> set.forEach(sink));

    assertThat(result.imported).isTrue();
    assertThat(result.added).isEqualTo(5_006);
    assertThat(client(INDEXER).referenceSet("ui/app", null).digest)
        .isEqualTo(digestOf(set.subList(0, 5_006)));
    assertThat(
            client(INDEXER).listReferences("ui/app", null).stream()
                .map(r -> r.path)
                .filter(path -> path.contains("\\") || path.contains("\t") || path.contains("\n"))
                .sorted()
                .toList())
        .containsExactly(
            "images/back\\slash\\N.lnk", "images/new\nline.lnk", "images/tab\there.lnk");
    assertThat(client(UPLOADER).info(id).orElseThrow().orphanedAt).isNull();
    // The next reconcile finds the set stored: the digest matches, nothing is sent.
    ReferencesResult again = client(INDEXER).replaceReferences("ui/app", sink -> set.forEach(sink));
    assertThat(again.imported).isFalse();
    assertThat(again.unchanged).isTrue();
  }

  /** A scan that pauses: the client keeps the body moving (a space a second), valid JSON. */
  @ParameterizedTest
  @ValueSource(strings = {"h2"})
  void aPausingScanIsImportedWhole(String database) throws Exception {
    start(database);
    List<ReferenceInfo> set = randomSet("ui/app", 3, 8);

    ReferencesResult result =
        client(INDEXER)
            .replaceReferences(
                "ui/app",
                sink -> {
                  try {
                    Thread.sleep(2_500); // a long walk before the first link
                    sink.accept(set.get(0));
                    sink.accept(set.get(1));
                    Thread.sleep(2_500); // commits without links
                    sink.accept(set.get(2));
                  } catch (InterruptedException e) {
                    throw new IOException(e);
                  }
                });

    assertThat(result.imported).isTrue();
    assertThat(client(INDEXER).referenceSet("ui/app", null).digest).isEqualTo(digestOf(set));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void aProjectWithReferencesIsReplacedNotImported(String database) throws Exception {
    start(database);
    List<ReferenceInfo> old = randomSet("ui/app", 300, 2);
    client(INDEXER).replaceReferences("ui/app", null, old);
    HttpResponse<String> refused = put("/references/import?project=ui/app", "[]");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("not_empty");

    List<ReferenceInfo> scanned = randomSet("ui/app", 400, 3);
    ReferencesResult result =
        client(INDEXER).replaceReferences("ui/app", sink -> scanned.forEach(sink));

    assertThat(result.imported).isFalse();
    assertThat(result.added).isEqualTo(400);
    assertThat(result.removed).isEqualTo(300);
    assertThat(client(INDEXER).referenceSet("ui/app", null).digest).isEqualTo(digestOf(scanned));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void aScanFailingInTheMiddleImportsNothing(String database) throws Exception {
    start(database);
    List<ReferenceInfo> set = randomSet("ui/app", 9_000, 4);
    AtomicInteger sent = new AtomicInteger();

    IOException failed =
        assertThrows(
            IOException.class,
            () ->
                client(INDEXER)
                    .replaceReferences(
                        "ui/app",
                        sink -> {
                          for (ReferenceInfo r : set) {
                            if (sent.incrementAndGet() == 7_000) {
                              throw new IOException("the repository went away");
                            }
                            sink.accept(r);
                          }
                        }));

    assertThat(failed).hasMessageThat().contains("went away");
    // Several batches had been inserted in the import's transaction: all rolled back.
    assertThat(stored("ui/app")).isEqualTo(0);
    assertThat(service.count("image_references")).isEqualTo(0);
    assertThat(service.count("orphan_recheck_imports")).isEqualTo(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void aStreamCutInTheMiddleImportsNothing(String database) throws Exception {
    start(database);
    StringBuilder half = new StringBuilder("[");
    for (ReferenceInfo r : randomSet("ui/app", 5_000, 5)) {
      half.append(Json.gson().toJson(r)).append(',');
    }
    byte[] chunk = half.toString().getBytes(UTF_8);
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(chunkedImportHead());
      out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(UTF_8));
      out.write(chunk);
      out.write("\r\n".getBytes(UTF_8));
      out.flush();
      // Let the service insert what arrived, then cut the connection without the last chunk.
      Thread.sleep(500);
    }
    // Whatever the service made of the cut (a 400 nobody reads), the next import finds the
    // project empty and stores exactly its own set.
    List<ReferenceInfo> whole = randomSet("ui/app", 1_000, 6);
    ReferencesResult result = client(INDEXER).replaceReferences("ui/app", s -> whole.forEach(s));
    assertThat(result.imported).isTrue();
    assertThat(client(INDEXER).referenceSet("ui/app", null).digest).isEqualTo(digestOf(whole));
    assertThat(service.count("image_references")).isEqualTo(1_000);
  }

  /**
   * Each import holds a connection while its client scans: beyond {@link
   * ReferenceService#IMPORTS_AT_ONCE} the service answers 503 before the body, and the client scans
   * first and replaces; the held imports finish as imports.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void importsBeyondTheLimitAreReplacedInstead(String database) throws Exception {
    start(database);
    int held = ReferenceService.IMPORTS_AT_ONCE;
    CountDownLatch scanning = new CountDownLatch(held);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(held);
    try {
      List<Future<ReferencesResult>> running = new ArrayList<>();
      for (int i = 0; i < held; i++) {
        String project = "ui/held" + i;
        List<ReferenceInfo> set = randomSet(project, 3, 20 + i);
        running.add(
            threads.submit(
                () ->
                    client(INDEXER)
                        .replaceReferences(
                            project,
                            sink -> {
                              // The body is being sent: the service has taken the import.
                              set.forEach(sink);
                              scanning.countDown();
                              try {
                                release.await();
                              } catch (InterruptedException e) {
                                throw new IOException(e);
                              }
                            })));
      }
      scanning.await();

      List<ReferenceInfo> set = randomSet("ui/other", 2_000, 9);
      ReferencesResult result = client(INDEXER).replaceReferences("ui/other", s -> set.forEach(s));
      assertThat(result.imported).isFalse();
      assertThat(client(INDEXER).referenceSet("ui/other", null).digest).isEqualTo(digestOf(set));

      release.countDown();
      for (Future<ReferencesResult> r : running) {
        assertThat(r.get().imported).isTrue();
      }
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void badInputIsRefusedAndImportsNothing(String database) throws Exception {
    start(database);
    List<ReferenceInfo> set = randomSet("ui/app", 4_500, 7);
    String valid = Json.gson().toJson(set);
    // The bad one comes after two batches had been inserted.
    set.set(4_200, new ReferenceInfo("ui/app", "refs/heads/master", COMMIT, "x.lnk", "NOT-A-UUID"));
    HttpResponse<String> badUuid =
        put("/references/import?project=ui/app", Json.gson().toJson(set));
    assertThat(badUuid.statusCode()).isEqualTo(400);
    assertThat(badUuid.body()).contains("references[4200].uuid");

    HttpResponse<String> nul =
        put(
            "/references/import?project=ui/app",
            Json.gson()
                .toJson(
                    List.of(
                        set.get(0),
                        new ReferenceInfo(
                            "ui/app",
                            "refs/heads/master",
                            COMMIT,
                            "a\u0000b.lnk",
                            "0".repeat(32)))));
    assertThat(nul.statusCode()).isEqualTo(400);
    assertThat(nul.body()).contains("a string contains a NUL character at $[1].path");

    set.set(
        4_200, new ReferenceInfo("ui/other", "refs/heads/master", COMMIT, "x.lnk", "0".repeat(32)));
    HttpResponse<String> otherProject =
        put("/references/import?project=ui/app", Json.gson().toJson(set));
    assertThat(otherProject.statusCode()).isEqualTo(400);
    assertThat(otherProject.body()).contains("another project");

    for (String body :
        List.of(
            valid.substring(0, valid.length() - 1), // no closing bracket
            valid + " []", // something after the array
            "{\"references\": []}", // not an array
            "[1, 2]")) {
      HttpResponse<String> r = put("/references/import?project=ui/app", body);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("bad_json");
    }
    // One reference of more than 64 Ki characters is refused before it is all read.
    HttpResponse<String> huge =
        put(
            "/references/import?project=ui/app",
            "[{\"project\":\"ui/app\",\"path\":\"" + "x".repeat(70_000) + "\"}]");
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(huge.body()).contains("references[0] is longer than 65536 characters");
    HttpResponse<String> noProject = put("/references/import", "[]");
    assertThat(noProject.statusCode()).isEqualTo(400);
    String path = "/references/import?project=ui/app";
    assertThat(put(path, INDEXER, "text/plain", valid).statusCode()).isEqualTo(415);
    assertThat(put(path, UPLOADER, "application/json", valid).statusCode()).isEqualTo(403);

    assertThat(service.count("image_references")).isEqualTo(0);
    assertThat(service.count("orphan_recheck_imports")).isEqualTo(0);
  }

  /**
   * A chunked body that never ends (whitespace inside the array, read and dropped as it comes) is
   * cut off at the route's limit with 413: the service holds none of it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2"})
  void anEndlessBodyGets413(String database) throws Exception {
    start(database);
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(chunkedImportHead());
      out.write("1\r\n[\r\n".getBytes(UTF_8));
      Thread writer =
          new Thread(
              () -> {
                byte[] spaces = new byte[1 << 20];
                Arrays.fill(spaces, (byte) ' ');
                byte[] head = (Integer.toHexString(spaces.length) + "\r\n").getBytes(UTF_8);
                try {
                  while (true) {
                    out.write(head);
                    out.write(spaces);
                    out.write("\r\n".getBytes(UTF_8));
                  }
                } catch (IOException e) {
                  // the service closed the connection after its answer
                }
              });
      writer.setDaemon(true);
      writer.start();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
      assertThat(in.readLine()).startsWith("HTTP/1.1 413");
    }
    assertThat(service.count("image_references")).isEqualTo(0);
  }
}
