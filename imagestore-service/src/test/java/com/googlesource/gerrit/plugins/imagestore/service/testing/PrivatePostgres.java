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

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of one test's own, which the test may stop and start at will: initdb into a
 * fresh directory, a free loopback port, pg_ctl from {@code /usr/lib/postgresql/*}{@code /bin}
 * (Debian's postgresql, which {@code tools/postgres/ensure.sh} installs). It never touches the
 * shared test server. As root the server runs as the {@code postgres} user, as PostgreSQL requires
 * (like ensure.sh). Connections from loopback are trusted: the cluster lives only as long as the
 * test, in a directory only its owner can enter.
 *
 * <p>No binaries: in CI ({@code CI} or {@code IMAGESTORE_REQUIRE_PG}) a failure, elsewhere the test
 * is skipped with a message saying so.
 */
public final class PrivatePostgres implements AutoCloseable {
  private static final String SUPERUSER = "postgres";

  private final Path bin;
  private final Path dir;
  private final boolean root;
  private final int port;
  private boolean running;

  private PrivatePostgres(Path bin, Path dir, boolean root, int port) {
    this.bin = bin;
    this.dir = dir;
    this.root = root;
    this.port = port;
  }

  /** Creates and starts a cluster. */
  public static PrivatePostgres start() throws IOException, InterruptedException {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("imagestore-private-pg-");
    if (root) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
      Files.setOwner(dir, postgres);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    PrivatePostgres pg = new PrivatePostgres(bin, dir, root, freePort());
    try {
      pg.run(
          "initdb",
          List.of(
              "-D",
              pg.data().toString(),
              "-U",
              SUPERUSER,
              "--auth=trust",
              "-E",
              "UTF8",
              "--locale=C.UTF-8",
              "--no-sync"));
      pg.startServer();
    } catch (IOException | InterruptedException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  private static Path binaries() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        Path newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                .max(Comparator.comparing(b -> versionOf(b.getParent())))
                .orElse(null);
        if (newest != null) {
          return newest;
        }
      }
    }
    String message =
        "PostgreSQL outage tests NOT run: no server binaries under /usr/lib/postgresql/*/bin"
            + " (tools/postgres/ensure.sh installs Debian's postgresql as root).";
    if (PostgresTestDatabase.required()) {
      throw new AssertionError(
          message + " PostgreSQL is required here (CI/IMAGESTORE_REQUIRE_PG).");
    }
    System.out.println(message);
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString().replaceAll("\\D.*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** The JDBC URL of the cluster's {@code postgres} database, as {@link #user()}. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return SUPERUSER;
  }

  /** Starts the server (again) on the same port, waiting until it accepts connections. */
  public void startServer() throws IOException, InterruptedException {
    run(
        "pg_ctl",
        List.of(
            "-D",
            data().toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
            "start"));
    running = true;
  }

  /**
   * Stops the server: {@code immediate} (the processes quit at once, as in a crash; recovery at the
   * next start), {@code fast} (sessions are ended with admin_shutdown first) or {@code smart}.
   */
  public void stopServer(String mode) throws IOException, InterruptedException {
    run("pg_ctl", List.of("-D", data().toString(), "-m", mode, "-w", "-t", "60", "stop"));
    running = false;
  }

  /** The server's log, for a failure message. */
  public String serverLog() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  private void run(String tool, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    }
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(args);
    Path out = Files.createTempFile("imagestore-private-pg-" + tool, ".log");
    try {
      // To a file, not a pipe: the server pg_ctl starts keeps its standard streams.
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IOException(String.join(" ", cmd) + " did not finish: " + Files.readString(out));
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + Files.readString(out));
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Stops the server if it runs and removes the cluster. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (running) {
        stopServer("immediate");
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
