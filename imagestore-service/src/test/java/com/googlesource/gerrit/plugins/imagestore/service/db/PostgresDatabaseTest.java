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

import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract on a real PostgreSQL server, a fresh database per test ({@link
 * PostgresTestDatabase}: tools/postgres/ensure.sh, started by bin/test and CI).
 */
class PostgresDatabaseTest extends DatabaseContract {
  private PostgresTestDatabase pg;
  private PostgresTestDatabase empty;

  @Override
  protected Database open() {
    pg = PostgresTestDatabase.create();
    return Database.open(pg.url(), pg.user(), pg.password(), 4);
  }

  @Override
  protected Jdbc emptyDatabase() {
    empty = PostgresTestDatabase.create();
    return new Jdbc(empty.url(), empty.user(), empty.password());
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (empty != null) {
      empty.close();
    }
    if (db != null) {
      db.close();
      db = null;
    }
    if (pg != null) {
      pg.close();
    }
  }
}
