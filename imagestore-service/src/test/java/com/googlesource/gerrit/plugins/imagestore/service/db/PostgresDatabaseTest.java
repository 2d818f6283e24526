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

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.service.auth.AccountStamp;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.auth.UserService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

  /**
   * The confirmation holds the account's row to the end of its transaction: a removal (or a
   * password change) by another process waits, so it cannot commit between an upload's check and
   * the upload's commit. (PostgreSQL's alone: on the embedded database nobody beside the service
   * changes accounts while it runs.)
   */
  @Test
  void anAccountConfirmedInATransactionIsRemovedOnlyAfterItCommits() throws Exception {
    UserService users = new UserService(db, Clock.systemUTC());
    users.put("ci", "first password".toCharArray(), EnumSet.of(Role.UPLOADER));
    AccountStamp stamp =
        users.authenticateProvisionally("ci", "first password", Role.UPLOADER).get().stamp();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // The upload's transaction: it confirms the account, then commits 2.5 s later.
      Future<Long> upload =
          holdTransaction(
              pool,
              30,
              c -> assertThat(AccountStamp.confirmed(c, List.of(stamp))).containsExactly(stamp),
              c -> {});
      Future<Long> removal =
          pool.submit(
              () -> {
                assertThat(users.remove("ci")).isTrue();
                return System.nanoTime();
              });
      assertThat(removal.get(60, TimeUnit.SECONDS)).isGreaterThan(upload.get());
    } finally {
      pool.shutdownNow();
    }
    assertThat(db.<Set<AccountStamp>>inTransaction(c -> AccountStamp.confirmed(c, List.of(stamp))))
        .isEmpty();
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
