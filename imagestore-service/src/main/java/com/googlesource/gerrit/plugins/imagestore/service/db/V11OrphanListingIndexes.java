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

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Migration 11, on PostgreSQL only: two partial indexes over the marked images that cover every
 * column the orphan listing filters on ({@code ImageRepository.listOrphans}), so a page walks the
 * orphans in id order with an index-only scan and reads the table only for the rows it returns:
 * {@code images_orphans} in id order (no runtime given) and {@code images_orphans_runtime} with the
 * runtime's six columns first (a runtime given: only that runtime's orphans are walked). They
 * replace {@code images_orphaned_at}, which indexed every image (the marked ~10 % are all the
 * queries need) and made the planner collect and sort every orphan (bench/README.md, "Scaling"). H2
 * has neither partial indexes nor {@code INCLUDE} and keeps {@code images_orphaned_at} (V13 gives
 * it what it can).
 */
final class V11OrphanListingIndexes extends SchemaMigration {
  private static final String MARKED_COLUMNS = "orphaned_at, spec_name, spec_lib";
  private static final String RUNTIME_COLUMNS =
      "platform, resolution, browser, theme, direction, mode";

  V11OrphanListingIndexes() {
    super(11, "orphan listing indexes");
  }

  @Override
  void migrate(Connection c) throws SQLException {
    if (!Sql.isPostgres(c)) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE INDEX images_orphans ON images (uuid) INCLUDE ("
              + MARKED_COLUMNS
              + ", "
              + RUNTIME_COLUMNS
              + ") WHERE orphaned_at IS NOT NULL");
      s.execute(
          "CREATE INDEX images_orphans_runtime ON images ("
              + RUNTIME_COLUMNS
              + ", uuid) INCLUDE ("
              + MARKED_COLUMNS
              + ") WHERE orphaned_at IS NOT NULL");
      s.execute("DROP INDEX images_orphaned_at");
    }
  }
}
