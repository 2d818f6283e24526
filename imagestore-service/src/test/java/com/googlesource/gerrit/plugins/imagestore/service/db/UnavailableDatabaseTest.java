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
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which failures mean "the database is unavailable" (503) rather than a bug (500). */
class UnavailableDatabaseTest {
  @Test
  void connectionFailuresAndShutdownsAreUnavailability() {
    for (String state : new String[] {"08001", "08003", "08006", "57P01", "57P02", "57P03"}) {
      assertThat(Database.isUnavailable(new SQLException("x", state))).isTrue();
    }
    assertThat(
            Database.isUnavailable(
                new SQLTransientConnectionException("imagestore-db - Connection is not available")))
        .isTrue();
    assertThat(
            Database.isUnavailable(
                new SQLException("wrapped", null, new ConnectException("Connection refused"))))
        .isTrue();
  }

  @Test
  void statementFailuresAreNot() {
    for (String state : new String[] {"23505", "42P01", "40001", "22001", null}) {
      assertThat(Database.isUnavailable(new SQLException("x", state))).isFalse();
    }
  }

  /** A PostgreSQL server that is not there: the driver's refusal reads as unavailable. */
  @Test
  void aRefusedConnectionIsUnavailability() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/nothing";
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> Database.open(url, "u", "p", 2));
    assertThat(Database.isUnavailable(sqlCause(e))).isTrue();
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        return s;
      }
    }
    throw new AssertionError("no SQLException in", e);
  }
}
