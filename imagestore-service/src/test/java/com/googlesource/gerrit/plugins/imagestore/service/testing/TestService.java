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

package com.googlesource.gerrit.plugins.imagestore.service.testing;

import static com.google.common.truth.Truth.assertWithMessage;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The real service on an ephemeral loopback port, with a fresh data directory and one account per
 * role. Tests talk to it over HTTP only.
 */
public final class TestService implements AutoCloseable {
  public static final String PASSWORD = "correct horse battery";
  public static final String UPLOADER = "uploader";
  public static final String INDEXER = "indexer";
  public static final String ADMIN = "admin";

  private final Path dataDir;
  private final Imagestore store;
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestService(Path dataDir, Imagestore store, HttpServer server) {
    this.dataDir = dataDir;
    this.store = store;
    this.server = server;
  }

  public static TestService start(Path dataDir) throws Exception {
    return start(dataDir, c -> c);
  }

  /** Starts with the defaults changed by {@code configure} (port and data dir are fixed). */
  public static TestService start(Path dataDir, UnaryOperator<ServiceConfig> configure)
      throws Exception {
    ServiceConfig config =
        configure.apply(ServiceConfig.defaults()).withDataDir(dataDir).withPort(0);
    Imagestore store = Imagestore.open(config);
    store.users().put(UPLOADER, PASSWORD.toCharArray(), EnumSet.of(Role.UPLOADER));
    store.users().put(INDEXER, PASSWORD.toCharArray(), EnumSet.of(Role.INDEXER));
    store.users().put(ADMIN, PASSWORD.toCharArray(), EnumSet.of(Role.ADMIN));
    store.startTrashPurge(); // as serve does
    return new TestService(dataDir, store, HttpServer.start(store));
  }

  public URI url() {
    return server.url();
  }

  public URI url(String path) {
    return server.url().resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  public int port() {
    return server.port();
  }

  public HttpServer server() {
    return server;
  }

  public Imagestore store() {
    return store;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The shared client library, logged in as {@code user} (null: anonymous). */
  public ImagestoreClient client(String user) {
    return new ImagestoreClient(url(), user, user == null ? null : PASSWORD);
  }

  /** Uploads {@code png} as the uploader and returns its id. */
  public ImageId upload(byte[] png) throws IOException {
    Path file = Files.createTempFile(dataDir, "test-upload-", ".png");
    try (ImagestoreClient c = client(UPLOADER)) {
      Files.write(file, png);
      return c.upload(file, null).id();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  public static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Builds a request to {@code path} as {@code user} (null: anonymous). */
  public HttpRequest.Builder request(String path, String user) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url(path));
    if (user != null) {
      b.header("Authorization", basic(user, PASSWORD));
    }
    return b;
  }

  public HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> sendForString(HttpRequest request)
      throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one sample in {@code /metrics}, e.g. {@code name{label="value"}}. */
  public double metric(String sample) throws IOException, InterruptedException {
    HttpResponse<String> scrape = sendForString(request("/metrics", null).build());
    assertWithMessage("GET /metrics").that(scrape.statusCode()).isEqualTo(200);
    return scrape
        .body()
        .lines()
        .filter(l -> l.startsWith(sample + " "))
        .map(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + sample + " in /metrics"));
  }

  /**
   * GETs {@code path} until it answers {@code status} (a health check, say, whose state follows
   * events), and returns that answer; fails with the last answer after {@code deadline}.
   */
  public HttpResponse<String> awaitStatus(String path, int status, Duration deadline)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      HttpResponse<String> r = sendForString(request(path, null).build());
      if (r.statusCode() == status || System.nanoTime() > end) {
        assertWithMessage("GET %s: %s", path, r.body()).that(r.statusCode()).isEqualTo(status);
        return r;
      }
      Thread.sleep(200);
    }
  }

  /** What the store holds, to check that a refused request changed nothing. */
  public record Snapshot(
      Set<String> images,
      Set<String> blobFiles,
      int references,
      int runtimes,
      int trash,
      int auditEntries) {}

  public Snapshot snapshot() throws IOException {
    Set<String> images = new TreeSet<>(store.images().list(null, 100_000));
    Set<String> blobs = new TreeSet<>();
    Path root = dataDir.resolve("blobs");
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(Files::isRegularFile)
            .filter(p -> !p.toString().contains("/.tmp/"))
            .forEach(p -> blobs.add(root.relativize(p).toString()));
      }
    }
    int refs = count("image_references");
    int runtimes = count("runtimes");
    return new Snapshot(images, blobs, refs, runtimes, count("trash"), count("audit_log"));
  }

  /** Files left in the upload spool directories (should be none between requests). */
  public List<Path> spoolLeftovers() throws IOException {
    List<Path> out = new ArrayList<>();
    Path tmp = store.tmpDir();
    try (Stream<Path> files = Files.walk(tmp)) {
      // The process's own lock on its spool directory is not a leftover.
      files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals(".lock"))
          .forEach(out::add);
    }
    return out;
  }

  /** How many rows {@code table} has. */
  public int count(String table) {
    return store
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
              }
            });
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
