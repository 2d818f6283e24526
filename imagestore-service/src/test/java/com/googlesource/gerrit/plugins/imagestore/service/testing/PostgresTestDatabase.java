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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh, empty PostgreSQL database for one test, on the server {@code tools/postgres/ensure.sh}
 * runs (or any named by {@code IMAGESTORE_TEST_PG_URL}, {@code _USER}, {@code _PASSWORD}, as
 * environment variables or system properties {@code imagestore.test.pg.url} …). Without them the
 * values come from the file that script writes, {@code $IMAGESTORE_TEST_PG_DIR/env} (default {@code
 * /tmp/imagestore-test-pg/env}).
 *
 * <p>No server: in CI ({@code CI} or {@code IMAGESTORE_REQUIRE_PG} set, as {@code .ci/run} and
 * {@code bin/test} do) that is a failure; elsewhere the tests are skipped with a message saying
 * they were NOT run.
 */
public final class PostgresTestDatabase implements AutoCloseable {
  private final String adminUrl;
  private final String user;
  private final String password;
  private final String name;
  private final String url;

  private PostgresTestDatabase(String adminUrl, String user, String password, String name) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.name = name;
    int slash = adminUrl.lastIndexOf('/');
    int query = adminUrl.indexOf('?', slash);
    this.url =
        adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
  }

  /** Creates a database of its own, or fails (CI) or skips (elsewhere) when there is no server. */
  public static PostgresTestDatabase create() {
    Map<String, String> settings = settings();
    String adminUrl = settings.get("URL");
    String problem = null;
    if (adminUrl == null) {
      problem = "no server configured (IMAGESTORE_TEST_PG_URL unset, no " + envFile() + ")";
    } else {
      String name = "imagestore_t_" + UUID.randomUUID().toString().replace("-", "");
      try (Connection c = connect(adminUrl, settings.get("USER"), settings.get("PASSWORD"));
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
        return new PostgresTestDatabase(
            adminUrl, settings.get("USER"), settings.get("PASSWORD"), name);
      } catch (SQLException e) {
        problem = "cannot use " + adminUrl + ": " + e.getMessage();
      }
    }
    String message =
        "PostgreSQL tests NOT run: " + problem + ". Run tools/postgres/ensure.sh (bin/test does).";
    if (required()) {
      throw new AssertionError(
          message + " PostgreSQL is required here (CI/IMAGESTORE_REQUIRE_PG).");
    }
    System.out.println(message);
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  static boolean required() {
    for (String v : List.of("CI", "IMAGESTORE_REQUIRE_PG")) {
      String s = System.getenv(v);
      if (s != null && !s.isBlank() && !s.equalsIgnoreCase("false") && !s.equals("0")) {
        return true;
      }
    }
    return false;
  }

  private static Path envFile() {
    String dir = System.getenv("IMAGESTORE_TEST_PG_DIR");
    return Path.of(dir == null || dir.isBlank() ? "/tmp/imagestore-test-pg" : dir, "env");
  }

  /**
   * URL, USER and PASSWORD: from system properties or the environment when a URL is given there,
   * else from the file ensure.sh writes (never a mix of two servers' settings).
   */
  private static Map<String, String> settings() {
    Map<String, String> out = new HashMap<>();
    for (String key : List.of("URL", "USER", "PASSWORD")) {
      String v = System.getProperty("imagestore.test.pg." + key.toLowerCase(Locale.ROOT));
      if (v == null || v.isBlank()) {
        v = System.getenv("IMAGESTORE_TEST_PG_" + key);
      }
      if (v != null && !v.isBlank()) {
        out.put(key, v);
      }
    }
    if (out.containsKey("URL")) {
      return out;
    }
    out.clear();
    Properties file = new Properties();
    try (var in = Files.newBufferedReader(envFile())) {
      file.load(in);
    } catch (IOException e) {
      return out; // no file: no server configured
    }
    for (String key : List.of("URL", "USER", "PASSWORD")) {
      String v = file.getProperty("IMAGESTORE_TEST_PG_" + key);
      if (v != null && !v.isBlank()) {
        out.put(key, v);
      }
    }
    return out;
  }

  private static Connection connect(String url, String user, String password) throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(url, p);
  }

  /** A connection to this test's database, for looking at (or locking) what the service wrote. */
  public Connection connect() throws SQLException {
    return connect(url, user, password);
  }

  /** The JDBC URL of this test's database (no credentials in it). */
  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  @Override
  public void close() throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = connect(adminUrl, user, password);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        return;
      } catch (SQLException e) {
        // An autovacuum worker (the server's own role, which this one may not terminate) analysing
        // what a test wrote: it is done in a moment.
        if (!"42501".equals(e.getSQLState()) || attempt == 20) {
          throw e;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
