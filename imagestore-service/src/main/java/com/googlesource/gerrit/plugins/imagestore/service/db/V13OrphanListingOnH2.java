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
 * Migration 13, on the embedded H2 only: what migration 11 gave PostgreSQL, as far as H2 can. H2
 * has no partial index, so {@code images_orphaned_at} (every image, in mark-time order) was the
 * only way to the marked images, and a page of orphans in id order read and sorted every orphan:
 * the management page's first call grew with the orphans (bench/README.md, "Scaling"). A generated
 * column that holds the id of a marked image and nothing for the others ({@code orphan_uuid}),
 * indexed, lets a page without a runtime or spec filter (the management page's, the cleanup's) walk
 * the orphans in id order from where the last page ended and stop when it is full ({@code
 * ImageRepository.listOrphans}). The column is H2's own: no statement writes it and PostgreSQL
 * never gets it.
 */
final class V13OrphanListingOnH2 extends SchemaMigration {
  V13OrphanListingOnH2() {
    super(13, "orphan listing index on H2");
  }

  @Override
  void migrate(Connection c) throws SQLException {
    if (Sql.isPostgres(c)) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "ALTER TABLE images ADD COLUMN orphan_uuid VARCHAR(32) GENERATED ALWAYS AS"
              + " (CASE WHEN orphaned_at IS NOT NULL THEN uuid END)");
      s.execute("CREATE INDEX images_orphan_uuid ON images (orphan_uuid)");
    }
  }
}
