package com.googlesource.gerrit.plugins.imagestore.service.db;

import com.google.common.flogger.FluentLogger;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The metadata database: a connection pool whose schema Flyway brings up to date on open.
 *
 * <p>The default is an embedded H2 file database in PostgreSQL mode, so the same SQL runs on both.
 * {@code AUTO_SERVER} lets a second process (the {@code user add} command, say) use the file while
 * the service runs. {@code LOCK_TIMEOUT}: a blob row stays locked while its bytes are stored, which
 * on GCS can take seconds; H2's default of one second would fail the uploads waiting for it
 * (PostgreSQL waits without a limit).
 *
 * <p>PostgreSQL: a JDBC URL {@code jdbc:postgresql://host:5432/db}; the same Flyway migrations run
 * on it, and every query is written to mean the same on both.
 */
public final class Database implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The JDBC URL of the embedded database under a data directory. */
  public static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("db").resolve("imagestore")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE"
        + ";LOCK_TIMEOUT=60000"
        // H2 otherwise keeps commits in memory for up to 500 ms: a killed process lost answered
        // uploads. With 0 each commit is in the file before commit() returns (not fsynced: power
        // loss durability needs PostgreSQL, see the README's guarantees).
        + ";WRITE_DELAY=0"
        // Each upload runs about ten distinct statements; H2 keeps 8 parsed per session by default.
        + ";QUERY_CACHE_SIZE=64";
  }

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
    HikariDataSource ds = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    logger.atInfo().log("metadata database ready (%s)", redact(url));
    return new Database(ds);
  }

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

  /** Runs {@code work} on a connection in auto-commit mode. */
  public <T> T read(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /**
   * Runs {@code work} in one transaction: all of it is committed, or none of it. A transaction the
   * database chose as a deadlock victim, or could not serialize, is rolled back and run again (a
   * few times), as PostgreSQL's documentation advises; {@code work} must therefore not depend on
   * state it changed outside the database in an earlier attempt.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
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

  private static final int MAX_ATTEMPTS = 4;

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

  /** Whether a query answers; for the health endpoint. */
  public boolean isHealthy() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** SQLSTATE 23505: a unique key would be duplicated. */
  public static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  @Override
  public void close() {
    dataSource.close();
  }

  /** A database failure: not the client's fault, so it surfaces as 500/503. */
  public static final class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DatabaseException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
