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

import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded default: an H2 file database in PostgreSQL mode. */
class H2DatabaseTest extends DatabaseContract {
  @TempDir Path dir;

  @Override
  protected Database open() {
    return Database.open(Database.embeddedUrl(dir), null, null, 4);
  }

  @Override
  protected Jdbc emptyDatabase() {
    return new Jdbc(Database.embeddedUrl(dir.resolve("empty")), null, null);
  }

  /**
   * What a killed process leaves is the file as it is at that moment: a copy of it taken right
   * after a transaction returned must hold that transaction, although H2 keeps commits in memory
   * for up to {@link Database#EMBEDDED_WRITE_DELAY_MS} otherwise.
   */
  @Test
  void aReturnedTransactionIsInTheFile() throws Exception {
    for (int i = 0; i < 20; i++) {
      String sha = String.format("%064x", i);
      db.inTransaction(c -> insertPending(c, sha));
      assertThat(rowsInACopyOfTheFile("copy-" + i)).contains(sha);
    }
  }

  /** The same for transactions committed by many callers at once, which share chunk writes. */
  @Test
  void concurrentTransactionsAreInTheFileWhenTheyReturn() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> done = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String sha = String.format("%064x", 1000 + i);
        done.add(
            callers.submit(
                () -> {
                  db.inTransaction(c -> insertPending(c, sha));
                  return sha;
                }));
      }
      List<String> returned = new ArrayList<>();
      for (Future<String> f : done) {
        returned.add(f.get());
      }
      assertThat(rowsInACopyOfTheFile("copy-all")).containsAtLeastElementsIn(returned);
    } finally {
      callers.shutdownNow();
    }
  }

  private final ContentRepository contents = new ContentRepository();

  private Void insertPending(Connection c, String sha) throws SQLException {
    contents.insertIfAbsent(c, new TreeMap<>(Map.of(sha, 1L)), ContentRepository.State.PENDING, 0);
    return null;
  }

  /** The blobs rows of a copy of the database file as it is now, opened on its own. */
  private List<String> rowsInACopyOfTheFile(String name) throws Exception {
    Path copy = Files.createDirectories(dir.resolve(name).resolve("db"));
    Files.copy(dir.resolve("db").resolve("imagestore.mv.db"), copy.resolve("imagestore.mv.db"));
    try (Connection c =
        DriverManager.getConnection(Database.embeddedUrl(dir.resolve(name)), "", "")) {
      return Sql.on(c, "SELECT sha256 FROM blobs ORDER BY sha256").list(rs -> rs.getString(1));
    }
  }
}
