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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable jar the build made (system property {@code imagestore.service.jar}), run as real
 * processes on one store: a data directory and its embedded H2 database, or a PostgreSQL database
 * ({@code pg}; the blobs stay under the data directory). Every command gets the store's options
 * ({@code --data}, {@code --db-url}, {@code --db-user}); the database password reaches the child
 * through its environment only, and the caller's {@code IMAGESTORE_*} variables do not reach it.
 */
public final class ServiceJar {
  private static final Pattern LISTENING = Pattern.compile("imagestore listening on (\\S+)");

  private final Path data;
  private final PostgresTestDatabase pg;

  /** A store with its metadata in {@code pg}, or in the embedded H2 under {@code data} (null). */
  public ServiceJar(Path data, PostgresTestDatabase pg) {
    this.data = data;
    this.pg = pg;
  }

  public Path data() {
    return data;
  }

  public static String jar() {
    String jar = System.getProperty("imagestore.service.jar");
    assertWithMessage("system property imagestore.service.jar (set by the build)")
        .that(jar)
        .isNotNull();
    assertWithMessage("%s exists", jar).that(Files.isRegularFile(Path.of(jar))).isTrue();
    return jar;
  }

  /** {@code java -jar JAR args… STORE-OPTIONS}, with the same JVM as the test's. */
  public ProcessBuilder command(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(jar());
    cmd.addAll(args);
    cmd.addAll(List.of("--data", data.toString()));
    if (pg != null) {
      cmd.addAll(List.of("--db-url", pg.url(), "--db-user", pg.user()));
    }
    ProcessBuilder b = new ProcessBuilder(cmd);
    b.environment().keySet().removeIf(k -> k.startsWith("IMAGESTORE_"));
    if (pg != null && pg.password() != null) {
      b.environment().put("IMAGESTORE_DB_PASSWORD", pg.password());
    }
    return b;
  }

  /** What a command printed (standard output and error together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** Runs a command to its end with {@code stdin} as its input; its output goes to {@code log}. */
  public Result run(Path log, String stdin, String... args) throws IOException {
    long from = Files.exists(log) ? Files.size(log) : 0;
    Process p =
        command(List.of(args))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        throw new IOException("imagestore " + List.of(args) + " did not end: " + since(log, from));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(p.exitValue(), since(log, from));
  }

  /** Runs a command that must succeed, e.g. {@code user add NAME --role admin} (password). */
  public void cli(Path log, String stdin, String... args) throws IOException {
    Result r = run(log, stdin, args);
    assertWithMessage("imagestore %s: %s", List.of(args), r.output())
        .that(r.exitCode())
        .isEqualTo(0);
  }

  /** Starts {@code serve --port 0 args…}, both its outputs appended to {@code log}. */
  public Process launch(Path log, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0"));
    all.addAll(List.of(args));
    return command(all)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Starts {@code serve} and waits until it listens: its URL, ending with a slash. */
  public Server serve(Path log, String... args) throws IOException {
    long from = Files.exists(log) ? Files.size(log) : 0;
    Process p = launch(log, args);
    return new Server(p, awaitListening(p, log, from));
  }

  /** A started {@code serve} process. */
  public record Server(Process process, URI url) {
    /** SIGTERM, as an operator stops it; SIGKILL when it does not end. */
    public void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * Waits for the line {@code imagestore listening on URL} that {@code p} writes to {@code log}
   * after offset {@code from}; fails when the process ends first.
   */
  public static URI awaitListening(Process p, Path log, long from) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(since(log, from));
      if (m.find()) {
        return URI.create(m.group(1).endsWith("/") ? m.group(1) : m.group(1) + "/");
      }
      if (!p.isAlive()) {
        throw new IOException(
            "the service ended (exit " + p.exitValue() + ") before listening: " + since(log, from));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("the service did not start: " + since(log, from));
  }

  /** The text of {@code log} from offset {@code from} on. */
  private static String since(Path log, long from) {
    try (var ch = Files.newByteChannel(log, StandardOpenOption.READ)) {
      ch.position(from);
      return new String(
          java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
