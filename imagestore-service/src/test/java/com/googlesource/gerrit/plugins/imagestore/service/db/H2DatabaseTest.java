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

import java.nio.file.Path;
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
}
