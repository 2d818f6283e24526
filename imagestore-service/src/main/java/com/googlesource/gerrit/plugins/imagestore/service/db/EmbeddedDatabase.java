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

package com.googlesource.gerrit.plugins.imagestore.service.db;

import com.google.common.flogger.FluentLogger;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;

/**
 * The embedded H2 database's access: a private directory and a password of its own.
 *
 * <p>It opens no network port (no {@code AUTO_SERVER}): only the process that holds the file may
 * use it, and another one is refused with H2's error 90020 ({@link #inUseByAnotherProcess}). The
 * data directory and the database directory are 0700 and the database's files 0600, so other local
 * users can read none of it. The database has an account of its own with a random password,
 * generated when the database is created (or, for a database from before, set on it at its first
 * open since) and kept in {@code db/credentials} (0600); every open uses it.
 */
public final class EmbeddedDatabase {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** The account of a database created with a password (older ones keep their empty name). */
  static final String USER = "imagestore";

  /** H2: "Database may be already in use" (the file is locked by another process). */
  static final int DATABASE_ALREADY_OPEN = 90020;

  private static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** The user name and password to open the embedded database with. */
  public record Credentials(String user, String password) {
    @Override
    public String toString() {
      return "Credentials[user=" + user + "]";
    }
  }

  /**
   * Makes {@code dataDir} private (0700, created when missing) and returns the embedded database's
   * credentials, creating them, or setting a password on a database from before, the first time.
   */
  public static Credentials prepare(Path dataDir) throws IOException {
    makePrivateDirectory(dataDir);
    Path dbDir = dataDir.resolve("db");
    makePrivateDirectory(dbDir);
    Path file = dbDir.resolve("credentials");
    if (Files.exists(file)) {
      return read(file);
    }
    Path pending = dbDir.resolve("credentials.new");
    if (!Files.exists(dbDir.resolve("imagestore.mv.db"))) {
      // A new database: H2 makes the first user that connects its administrator.
      Credentials created = new Credentials(USER, newPassword());
      write(pending, created);
      move(pending, file);
      return created;
    }
    return setPasswordOnOldDatabase(dataDir, pending, file);
  }

  /**
   * A database created before it had a password: its administrator has an empty name and password.
   * The new password is written first, set second and made current last, so a crash in between
   * leaves a pending one that the next open tries.
   */
  private static Credentials setPasswordOnOldDatabase(Path dataDir, Path pending, Path file)
      throws IOException {
    String url = Database.embeddedUrl(dataDir);
    if (Files.exists(pending)) {
      Credentials earlier = read(pending);
      try (Connection c = DriverManager.getConnection(url, earlier.user(), earlier.password())) {
        move(pending, file);
        return earlier;
      } catch (SQLException e) {
        if (inUseByAnotherProcess(e)) {
          throw new Database.DatabaseException(e);
        }
        // The password was not set before the crash: set it now.
      }
    }
    try (Connection c = DriverManager.getConnection(url, "", "")) {
      String user = Sql.on(c, "SELECT CURRENT_USER").one(r -> r.getString(1)).orElseThrow();
      Credentials created = new Credentials(user, newPassword());
      write(pending, created);
      Sql.on(c, "ALTER USER \"" + user.replace("\"", "\"\"") + "\" SET PASSWORD ?")
          .bind(created.password())
          .update();
      // In the file before the new credentials are current (H2 writes commits a moment later).
      Sql.on(c, "CHECKPOINT").update();
      move(pending, file);
      logger.atInfo().log("the embedded database has a password now (%s)", file);
      return created;
    } catch (SQLException e) {
      throw new Database.DatabaseException(e);
    }
  }

  /**
   * After the database is open: its directory 0700 and every file in it 0600 (H2 creates them with
   * the process's umask).
   */
  public static void restrictFiles(Path dataDir) throws IOException {
    Path dbDir = dataDir.resolve("db");
    if (!posix(dbDir)) {
      return;
    }
    Files.setPosixFilePermissions(dbDir, PRIVATE_DIR);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dbDir)) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          Files.setPosixFilePermissions(f, PRIVATE_FILE);
        }
      }
    }
  }

  /** Whether {@code e} (or a cause) says that another process has the database open. */
  public static boolean inUseByAnotherProcess(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() == DATABASE_ALREADY_OPEN) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Creates {@code dir} (and its parents) when missing and makes it 0700. */
  public static void makePrivateDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      } catch (FileAlreadyExistsException e) {
        // Created meanwhile.
      } catch (java.nio.file.NoSuchFileException e) {
        Files.createDirectories(dir.getParent());
        makePrivateDirectory(dir);
        return;
      }
    }
    if (posix(dir) && !Files.getPosixFilePermissions(dir).equals(PRIVATE_DIR)) {
      Files.setPosixFilePermissions(dir, PRIVATE_DIR);
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static String newPassword() {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private static Credentials read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String user = p.getProperty("user");
    String password = p.getProperty("password");
    if (user == null || password == null || password.isEmpty()) {
      throw new IOException(file + " is damaged: it needs 'user' and 'password'");
    }
    return new Credentials(user, password);
  }

  private static void write(Path file, Credentials c) throws IOException {
    Files.deleteIfExists(file);
    if (posix(file.getParent())) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
    }
    Properties p = new Properties();
    p.setProperty("user", c.user());
    p.setProperty("password", c.password());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "The embedded database's account: keep this file private (0600)");
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private EmbeddedDatabase() {}
}
