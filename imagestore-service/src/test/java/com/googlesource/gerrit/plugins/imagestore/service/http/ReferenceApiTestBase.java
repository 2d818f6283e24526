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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A service on embedded H2 or PostgreSQL for the reference API tests, and their clients. */
abstract class ReferenceApiTestBase {
  static final String COMMIT = "1111111111111111111111111111111111111111";

  @TempDir Path dir;
  PostgresTestDatabase pg;
  TestService service;
  private final List<ImagestoreClient> clients = new ArrayList<>();

  /** Starts the service on {@code database}: "h2" (embedded) or "pg" (a fresh database). */
  void start(String database) throws Exception {
    if (database.equals("pg")) {
      pg = PostgresTestDatabase.create();
      service =
          TestService.start(
              dir.resolve("data"), c -> c.withDatabase(pg.url(), pg.user(), pg.password()));
    } else {
      service = TestService.start(dir.resolve("data"));
    }
  }

  ImagestoreClient client(String user) {
    ImagestoreClient client = service.client(user);
    clients.add(client);
    return client;
  }

  @AfterEach
  void stop() throws Exception {
    for (ImagestoreClient c : clients) {
      c.close();
    }
    if (service != null) {
      service.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** {@code size} references of {@code project} to random uuids (no image), spread over buckets. */
  static List<ReferenceInfo> randomSet(String project, int size, long seed) {
    Random random = new Random(seed);
    List<ReferenceInfo> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String uuid = String.format("%016x%016x", random.nextLong(), random.nextLong());
      String branch = i % 3 == 0 ? "refs/heads/rel-1" : "refs/heads/master";
      out.add(new ReferenceInfo(project, branch, COMMIT, "images/shot" + i + ".ref.lnk", uuid));
    }
    return out;
  }
}
