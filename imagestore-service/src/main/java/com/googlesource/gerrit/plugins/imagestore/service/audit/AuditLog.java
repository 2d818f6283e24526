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

package com.googlesource.gerrit.plugins.imagestore.service.audit;

import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The audit log ({@link AuditRepository}): a line per image trashed, restored, purged or imported.
 * Lines are written in the transaction of the change they record, so the log never claims what did
 * not happen.
 */
public final class AuditLog {
  public static final String TRASH = "trash";
  public static final String RESTORE = "restore";
  public static final String PURGE = "purge";

  /** An admin stored an image under a chosen id ({@code PUT /images/{uuid}?import=true}). */
  public static final String IMPORT = "import";

  private static final int MAX_DETAIL = 255;

  /**
   * The image a line is about. An interface so that images, which write the log, can pass their
   * rows without this package importing them.
   */
  public interface Subject {
    String uuid();

    String sha256();

    long size();
  }

  private final Database db;
  private final AuditRepository rows = new AuditRepository();

  public AuditLog(Database db) {
    this.db = db;
  }

  public void record(
      Connection c,
      long at,
      Actor actor,
      String action,
      Subject image,
      long bytesFreed,
      String detail)
      throws SQLException {
    rows.insert(
        c,
        at,
        truncate(actor.name(), 64),
        actor.address() == null ? null : truncate(actor.address(), 64),
        action,
        image.uuid(),
        image.sha256(),
        image.size(),
        bytesFreed,
        detail == null ? null : truncate(detail, MAX_DETAIL));
  }

  /**
   * Entries newest first, {@code limit} of them with ids below {@code before} (null: from the
   * newest), of one image when {@code uuid} is not null.
   */
  public List<AuditEntry> list(Long before, String uuid, int limit) {
    return db.read(c -> rows.list(c, before == null ? Long.MAX_VALUE : before, uuid, limit));
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
