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

import com.googlesource.gerrit.plugins.imagestore.service.testing.ServiceJar;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the workers of one crash run share: the service's current address, the epoch (the span
 * between a start of the service and its kill), when each kill happened, and the problems found.
 */
final class CrashRun {
  static final String ADMIN = "admin";
  static final String PASSWORD = "crash-test-password";

  final String database;
  final long startNanos = System.nanoTime();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String auth = TestService.basic(ADMIN, PASSWORD);

  private volatile URI url;
  private volatile int epoch;
  private volatile boolean killed;

  /** When kill #k happened (System.nanoTime), k from 1. */
  private final Map<Integer, Long> killNanos = new ConcurrentHashMap<>();

  final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  final Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
  final AtomicInteger inFlightAtKills = new AtomicInteger();

  CrashRun(String database) {
    this.database = database;
  }

  /** Adds the account the workers use with the command line, as an operator does. */
  static void addAdmin(ServiceJar jar, Path log) throws IOException {
    jar.cli(log, PASSWORD + "\n", "user", "add", ADMIN, "--role", ADMIN);
  }

  /** Epoch {@code n} begins: the service answers at {@code url}. Epoch n ends with kill #n. */
  void begin(int n, URI url) {
    this.url = url;
    this.epoch = n;
    this.killed = false;
  }

  /** Called right before the SIGKILL that ends the current epoch. */
  void killing() {
    killNanos.put(epoch, System.nanoTime());
    killed = true;
  }

  boolean killed() {
    return killed;
  }

  int epoch() {
    return epoch;
  }

  void problem(String text) {
    problems.add("[" + database + "] " + text);
  }

  void acknowledged(String op) {
    acknowledged.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
  }

  /** An answer the service gave: which operation, its status, in which epoch and when. */
  record Ack(String op, int status, int epoch, long nanos) {}

  /** Where an acknowledgement stands relative to the kill that ended its epoch. */
  String describe(Ack ack) {
    if (ack == null) {
      return "no acknowledged write (its state is that of a write a kill cut)";
    }
    Long kill = killNanos.get(ack.epoch());
    String when =
        kill == null
            ? String.format("%.3f s into the run, after the last kill", seconds(ack.nanos()))
            : kill >= ack.nanos()
                ? String.format(
                    "%.3f s into the run, %d ms before kill #%d",
                    seconds(ack.nanos()), (kill - ack.nanos()) / 1_000_000, ack.epoch())
                : String.format(
                    "%.3f s into the run, as kill #%d was being sent",
                    seconds(ack.nanos()), ack.epoch());
    return ack.op() + " answered " + ack.status() + " in epoch " + ack.epoch() + " (" + when + ")";
  }

  double seconds(long nanos) {
    return (nanos - startNanos) / 1e9;
  }

  HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", auth)
            .method(
                method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }
}
