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
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

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
    record(c, at, actor, action, List.of(image), i -> bytesFreed, detail);
  }

  /**
   * A line per image of {@code images}, in order, written as one batch; {@code bytesFreed} gives
   * each image's.
   */
  public <T extends Subject> void record(
      Connection c,
      long at,
      Actor actor,
      String action,
      List<T> images,
      ToLongFunction<T> bytesFreed,
      String detail)
      throws SQLException {
    String name = truncate(actor.name(), 64);
    String address = actor.address() == null ? null : truncate(actor.address(), 64);
    String note = detail == null ? null : truncate(detail, MAX_DETAIL);
    List<AuditRepository.Line> lines = new ArrayList<>(images.size());
    for (T image : images) {
      lines.add(
          new AuditRepository.Line(
              at,
              name,
              address,
              action,
              image.uuid(),
              image.sha256(),
              image.size(),
              bytesFreed.applyAsLong(image),
              note));
    }
    rows.insert(c, lines);
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
