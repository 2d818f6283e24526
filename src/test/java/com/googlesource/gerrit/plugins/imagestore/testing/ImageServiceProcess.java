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

package com.googlesource.gerrit.plugins.imagestore.testing;

import static com.google.common.truth.Truth.assertWithMessage;

import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real image service, run from {@code imagestore-service.jar} as its own process (its Jetty 12
 * cannot share a class path with Gerrit's). It can be stopped and started again on the same port
 * and data, to play an outage.
 */
public final class ImageServiceProcess implements AutoCloseable {
  public static final String INDEXER = "gerrit-indexer";
  public static final String UPLOADER = "uploader";
  public static final String PASSWORD = "test-password-123";
  private static final Pattern LISTENING = Pattern.compile("imagestore listening on (\\S+)");

  private final Path data;
  private Process process;
  private URI url;

  private ImageServiceProcess(Path data) {
    this.data = data;
  }

  /** Starts a service with fresh data and the accounts {@link #INDEXER} and {@link #UPLOADER}. */
  public static ImageServiceProcess start() throws Exception {
    return start(0);
  }

  /** {@link #start()} on {@code port} (0: any free one). */
  public static ImageServiceProcess start(int port) throws Exception {
    Path data = Files.createTempDirectory("imagestore-service-");
    ImageServiceProcess s = new ImageServiceProcess(data);
    s.run(List.of("user", "add", INDEXER, "--role", "indexer,admin", "--data", data.toString()));
    s.run(List.of("user", "add", UPLOADER, "--role", "uploader", "--data", data.toString()));
    s.serve(port);
    return s;
  }

  public URI url() {
    return url;
  }

  /** A client of the shared library, logged in as {@code user} (null: anonymous). */
  public ImagestoreClient client(String user) {
    return new ImagestoreClient(url, user, user == null ? null : PASSWORD);
  }

  /** Stops the process (an outage). */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  /** Starts it again on the same port and data. */
  public void restart() throws Exception {
    stop();
    serve(url.getPort());
  }

  private static String jar() {
    String jar = System.getProperty("imagestore.service.jar");
    assertWithMessage("system property imagestore.service.jar (set by the build)")
        .that(jar)
        .isNotNull();
    assertWithMessage("%s exists (build imagestore-service first)", jar)
        .that(Files.isRegularFile(Path.of(jar)))
        .isTrue();
    return jar;
  }

  private static List<String> java(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(jar());
    cmd.addAll(args);
    return cmd;
  }

  private void run(List<String> args) throws Exception {
    Process p =
        new ProcessBuilder(java(args))
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("cli.log").toFile())
            .start();
    p.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertWithMessage("imagestore %s", args).that(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertWithMessage("imagestore %s: %s", args, Files.readString(data.resolve("cli.log")))
        .that(p.exitValue())
        .isEqualTo(0);
  }

  private void serve(int port) throws Exception {
    Path log = data.resolve("serve.log");
    process =
        new ProcessBuilder(
                java(
                    List.of(
                        "serve",
                        "--port",
                        "" + port,
                        "--data",
                        data.toString(),
                        // The plugin's orphanGracePeriod is what the tests exercise.
                        "--orphan-grace-period",
                        "0s")))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        url = URI.create(m.group(1));
        return;
      }
    }
    throw new IOException("the image service did not start: " + Files.readString(log));
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
