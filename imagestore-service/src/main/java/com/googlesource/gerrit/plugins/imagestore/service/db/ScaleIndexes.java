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
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration V10: indexes for a store of millions of images (issue 14; the query plans are in
 * bench/README.md, "Scaling"). In Java because one of them exists on PostgreSQL only: H2 has no
 * partial index, and the SQL migrations are kept portable.
 */
final class ScaleIndexes extends BaseJavaMigration {
  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("10");
  }

  @Override
  public String getDescription() {
    return "scale indexes";
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      // fsck reads the diff pictures one slice of keys at a time and drops the diffs of a missing
      // picture: without it each of its 256 slices read the whole table.
      s.execute("CREATE INDEX diffs_diff_sha256 ON diffs (diff_sha256)");
      if (c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
        // GET /orphans pages in id order: through images_orphaned_at PostgreSQL sorted every
        // orphan for each page; this walks the orphans alone in id order and stops at the page.
        s.execute(
            "CREATE INDEX images_orphans_by_uuid ON images (uuid) WHERE orphaned_at IS NOT NULL");
      }
    }
  }
}
