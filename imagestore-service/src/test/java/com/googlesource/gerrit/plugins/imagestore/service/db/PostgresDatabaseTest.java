package com.googlesource.gerrit.plugins.imagestore.service.db;

import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract on a real PostgreSQL server, a fresh database per test ({@link
 * PostgresTestDatabase}: tools/postgres/ensure.sh, started by bin/test and CI).
 */
class PostgresDatabaseTest extends DatabaseContract {
  private PostgresTestDatabase pg;

  @Override
  protected Database open() {
    pg = PostgresTestDatabase.create();
    return Database.open(pg.url(), pg.user(), pg.password(), 4);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (db != null) {
      db.close();
      db = null;
    }
    if (pg != null) {
      pg.close();
    }
  }
}
