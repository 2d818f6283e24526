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
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A migration written in Java because it differs between PostgreSQL and H2 (the SQL migrations are
 * portable). Its checksum is its version: the text of a Java migration is not what Flyway sees, and
 * a store that ran it must keep validating, so neither the version nor the description of one may
 * change once released.
 */
abstract class SchemaMigration implements JavaMigration {
  private final int version;
  private final String description;

  SchemaMigration(int version, String description) {
    this.version = version;
    this.description = description;
  }

  /** Changes the schema on {@code c}, inside the migration's transaction. */
  abstract void migrate(Connection c) throws SQLException;

  @Override
  public final void migrate(Context context) throws Exception {
    migrate(context.getConnection());
  }

  @Override
  public final MigrationVersion getVersion() {
    return MigrationVersion.fromVersion(String.valueOf(version));
  }

  @Override
  public final String getDescription() {
    return description;
  }

  @Override
  public final Integer getChecksum() {
    return version;
  }

  @Override
  public final boolean canExecuteInTransaction() {
    return true;
  }
}
