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
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The metadata database: a connection pool whose schema Flyway brings up to date on open.
 *
 * <p>The default is an embedded H2 file database in PostgreSQL mode, so the same SQL runs on both.
 * It opens no network port: one process at a time has it (a second one, the {@code user add}
 * command while the service runs, say, is refused: {@link EmbeddedDatabase}), in a private
 * directory, with a password of its own. {@code LOCK_TIMEOUT}: a blob row stays locked while its
 * bytes are stored, which on GCS can take seconds; H2's default of one second would fail the
 * uploads waiting for it (PostgreSQL waits without a limit).
 *
 * <p>PostgreSQL: a JDBC URL {@code jdbc:postgresql://host:5432/db}; the same Flyway migrations run
 * on it, and every query is written to mean the same on both.
 *
 * <p>Outages: every wait for the database is bounded, so a database that is down or unreachable
 * makes requests fail within seconds as {@link DatabaseException#unavailable() unavailable} (the
 * web layer answers 503 with {@code Retry-After}) instead of hanging on. The pool validates a
 * connection before lending it after a pause ({@link #VALIDATION_TIMEOUT}), so connections broken
 * by a restart of the server are dropped and replaced: the service recovers by itself once the
 * database answers again. The bounds ({@link #CONNECTION_TIMEOUT}, {@link #POSTGRES_DEFAULTS}) are
 * defaults; a value given in the JDBC URL wins.
 *
 * <p>The embedded database has one outage of its own that does not pass: H2 stops it for good when
 * a write to its file fails (a full disk). Then every call fails as unavailable and the listener
 * given to {@link #whenStopped} is told once (the service exits, so that a restart — which reads
 * the file as after a kill — brings it back).
 */
public final class Database implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final HikariDataSource dataSource;

  /** On H2, where commits wait to be in the file; null on PostgreSQL (its commit is durable). */
  private final StoredCommits stored;

  private Database(HikariDataSource dataSource, StoredCommits stored) {
    this.dataSource = dataSource;
    this.stored = stored;
  }

  private volatile Consumer<Throwable> whenStopped = cause -> {};
  private final AtomicBoolean stopReported = new AtomicBoolean();

  /**
   * Tells {@code listener}, once, when H2 has stopped the embedded database for good (its cause:
   * the failed write). Nothing answered before was lost: each answered commit was in the file.
   */
  public void whenStopped(Consumer<Throwable> listener) {
    this.whenStopped = listener;
  }

  /** Fails as unavailable, and reports the stop once, when H2 has stopped the database. */
  private void checkRunning() {
    Throwable cause = stored == null ? null : stored.stopped();
    if (cause == null) {
      return;
    }
    if (stopReported.compareAndSet(false, true)) {
      logger.atSevere().withCause(cause).log(
          "the embedded database stopped after a failed write to its file (a full disk?); it"
              + " answers nothing more until the service restarts, which reads it as after a"
              + " crash; nothing acknowledged is lost");
      whenStopped.accept(cause);
    }
    throw new DatabaseException(
        new SQLTransientConnectionException(
            "the embedded database stopped after a failed write to its file: " + cause.getMessage(),
            cause));
  }

  /** The JDBC URL of the embedded database under a data directory. */
  public static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("db").resolve("imagestore")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
        + ";LOCK_TIMEOUT=60000"
        // H2 keeps commits in memory and its background writer writes them to the file at most
        // this many ms later. A commit a caller is told of is in the file before it returns:
        // StoredCommits writes it, with the commits of every caller waiting at that moment (not
        // fsynced: power loss durability needs PostgreSQL, see the README's guarantees).
        + ";WRITE_DELAY="
        + EMBEDDED_WRITE_DELAY_MS
        // Each upload runs about ten distinct statements; H2 keeps 8 parsed per session by default.
        + ";QUERY_CACHE_SIZE=64"
        // The service closes it in its own shutdown hook, after the requests; H2's own hook would
        // close it first (requests still running then fail), and a database closed by anyone but
        // the service counts as stopped (StoredCommits.stopped): not marked closed cleanly.
        + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /** How long H2's background writer lets commits wait in memory (its own default: 500 ms). */
  static final int EMBEDDED_WRITE_DELAY_MS = 500;

  /** Opens a pool on {@code url} and migrates the schema. */
  public static Database open(String url, String user, String password, int maxPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(maxPoolSize);
    config.setPoolName("imagestore-db");
    config.setAutoCommit(true);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
    if (url.startsWith("jdbc:postgresql:")) {
      // Driver properties; the driver lets parameters in the URL override them.
      POSTGRES_DEFAULTS.forEach(config::addDataSourceProperty);
    }
    StoredCommits stored = null;
    Connection writer = null;
    HikariDataSource ds = null;
    try {
      if (url.startsWith("jdbc:h2:")) {
        // Before the pool opens connections (it does in the background): nothing else runs yet.
        boolean existed = CrashLeftovers.exists(url);
        writer = DriverManager.getConnection(url, user, password);
        stored = new StoredCommits(url, writer);
        CrashLeftovers.onOpen(url, existed, writer);
      }
      ds = new HikariDataSource(config);
      if (stored != null) {
        // The migrations are writes like any other (see StoredCommits).
        stored.beginWrite();
      }
      try {
        Flyway.configure()
            .dataSource(ds)
            .locations("classpath:db/migration")
            .javaMigrations(new V11OrphanListingIndexes(), new V13OrphanListingOnH2())
            .load()
            .migrate();
      } finally {
        if (stored != null) {
          stored.endWrite();
        }
      }
    } catch (SQLException | IOException | RuntimeException e) {
      if (ds != null) {
        ds.close();
      }
      closeQuietly(writer, e);
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw e instanceof SQLException s ? new DatabaseException(s) : (RuntimeException) e;
    }
    Database db = new Database(ds, stored);
    // On H2, the new database's administrator and the migrations in the file before any request.
    db.awaitCommitted();
    logger.atInfo().log("metadata database ready (%s)", redact(url));
    return db;
  }

  private static void closeQuietly(Connection c, Exception failure) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * How long a request waits for a connection from the pool before it fails as unavailable
   * (HikariCP's default is 30 s). Long enough to ride out a burst that keeps every connection busy
   * for a moment, short enough that a client learns of an outage quickly and retries later.
   */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** How long checking a pooled connection may take (below {@link #CONNECTION_TIMEOUT}). */
  static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The PostgreSQL driver's own bounds (its defaults wait without a limit for a stalled socket):
   * opening a TCP connection and logging in (5 s each, in seconds as the driver counts), a reply to
   * a statement (120 s: far above any statement the service runs, including a lock wait behind an
   * upload to a slow blob store, yet a connection whose server vanished without a word is given
   * up), and TCP keepalive so the kernel notices a dead peer too.
   */
  static final Map<String, String> POSTGRES_DEFAULTS =
      Map.of(
          "connectTimeout", "5",
          "loginTimeout", "5",
          "socketTimeout", "120",
          "tcpKeepAlive", "true");

  /** The URL without anything after a '?' or user info, for logs. */
  static String redact(String url) {
    int q = url.indexOf('?');
    String s = q < 0 ? url : url.substring(0, q);
    return s.replaceAll("//[^/@]*@", "//");
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Work done with one connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on a connection in auto-commit mode: for reads. A write here would be
   * committed but, on the embedded database, not yet in its file when this returns: write with
   * {@link #inTransaction}.
   */
  public <T> T read(SqlWork<T> work) {
    checkRunning();
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      checkRunning(); // a statement that met the stop says so in H2's words ("General error")
      throw new DatabaseException(e);
    }
  }

  /**
   * Runs {@code work} in one transaction: all of it is committed, or none of it; durably once this
   * returns. A transaction the database chose as a deadlock victim, or could not serialize, is
   * rolled back and run again (a few times), as PostgreSQL's documentation advises; {@code work}
   * must therefore not depend on state it changed outside the database in an earlier attempt.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      checkRunning();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          try {
            if (stored != null) {
              stored.commit(c);
            } else {
              c.commit();
            }
          } catch (SQLException e) {
            commitsInDoubt.incrementAndGet();
            throw e;
          }
          c.setAutoCommit(true);
          if (stored != null) {
            awaitStored(stored.committed());
          }
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          // Rolled back here, not by the pool on close: on H2 a rollback must hold the commit
          // lock (StoredCommits). On a broken connection (the server went away) these fail too,
          // with a bare "closed" that says nothing: the first failure is the one that tells what
          // happened.
          try {
            if (stored != null) {
              stored.rollback(c);
            } else {
              c.rollback();
            }
            c.setAutoCommit(true);
          } catch (SQLException cleanup) {
            e.addSuppressed(cleanup);
          }
          throw e;
        }
      } catch (SQLException e) {
        checkRunning();
        if (attempt < MAX_ATTEMPTS && isTransient(e)) {
          logger.atWarning().log(
              "transaction attempt %d failed (SQLSTATE %s: %s); running it again",
              attempt, e.getSQLState(), e.getMessage());
          pause(attempt);
          continue;
        }
        throw new DatabaseException(e);
      }
    }
  }

  /**
   * Whether a commit survives the machine losing power (PostgreSQL flushes its log at commit);
   * false for the embedded database, whose commits are in its file, not flushed: they survive the
   * process, not the machine. Work a commit depends on needs flushing only when this is true.
   */
  public boolean commitsSurvivePowerLoss() {
    return stored == null;
  }

  /**
   * Returns once the commit of {@code ticket} is in the file. A failure leaves that commit in
   * doubt: it may reach the file later.
   */
  private void awaitStored(long ticket) {
    try {
      stored.awaitStored(ticket);
    } catch (SQLException e) {
      commitsInDoubt.incrementAndGet();
      checkRunning();
      throw new DatabaseException(e);
    } catch (DatabaseException e) {
      commitsInDoubt.incrementAndGet(); // waited too long for the file
      throw e;
    }
  }

  private static final int MAX_ATTEMPTS = 4;

  /**
   * Returns once every transaction committed so far is durable; call before an effect outside the
   * database that relies on another caller's commit (deleting bytes a row marked {@code deleting},
   * say). A no-op on PostgreSQL, where a commit is visible only once durable; on H2 a commit is
   * visible a moment before {@link StoredCommits} has written it.
   */
  public void awaitCommitted() {
    if (stored == null) {
      return;
    }
    try {
      stored.awaitStored(stored.committed());
    } catch (SQLException e) {
      checkRunning();
      throw new DatabaseException(e);
    }
  }

  private final AtomicLong commitsInDoubt = new AtomicLong();

  /**
   * How many commits have failed so far. Such a commit may still have happened (the server wrote it
   * and went away before it said so), so whatever it recorded for later, e.g. an orphan mark
   * recheck it owes, may be there although its caller saw a failure.
   */
  public long commitsInDoubt() {
    return commitsInDoubt.get();
  }

  /** SQLSTATE 40001 (serialization failure; H2's deadlock too) or 40P01 (PostgreSQL's deadlock). */
  static boolean isTransient(SQLException e) {
    return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
  }

  /** A short random wait, longer with each attempt, so the transactions involved part ways. */
  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5L << attempt, 20L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SQLSTATEs that say the database cannot be reached or is going away, not that a statement is
   * wrong: class 08 (connection exception: refused, broken, failed), PostgreSQL's 57P01
   * (admin_shutdown), 57P02 (crash_shutdown), 57P03 (cannot_connect_now: starting up or shutting
   * down) and 53300 (too_many_connections), and H2's 90067 (connection broken) and 90098 (database
   * closed).
   */
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("57P01", "57P02", "57P03", "53300", "90067", "90098");

  /**
   * Whether {@code e} means the database is unavailable (down, restarting, unreachable, or every
   * connection busy for longer than {@link #CONNECTION_TIMEOUT}) rather than a failed statement: a
   * condition that passes, which a client should retry later.
   */
  static boolean isUnavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
        return true; // HikariCP's "connection is not available", or a refused TCP connection
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a query answers; for the health endpoint. */
  public boolean isHealthy() {
    try {
      checkRunning();
    } catch (DatabaseException e) {
      return false;
    }
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * SQLSTATE 23505: a unique key would be duplicated; for a batch, in any of its statements (a
   * driver may report the batch's failure under another state and chain the statement's).
   */
  public static boolean isUniqueViolation(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if ("23505".equals(next.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    dataSource.close();
    if (stored != null) {
      try {
        // The last connection: H2 closes the database, and then it is marked closed.
        stored.close();
      } catch (SQLException | IOException e) {
        logger.atWarning().withCause(e).log("closing the embedded database failed");
      }
    }
  }

  /**
   * A database failure: not the client's fault. When the database is {@link #unavailable()} the web
   * layer answers 503 (retry later); any other failure is a bug or a broken schema, 500.
   */
  public static final class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean unavailable;

    DatabaseException(SQLException cause) {
      super(cause.getMessage(), cause);
      this.unavailable = isUnavailable(cause);
    }

    /** Whether the database could not be reached or went away: a condition that passes. */
    public boolean unavailable() {
      return unavailable;
    }
  }
}
