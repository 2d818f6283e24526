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

package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** SQL for the {@code diffs} table. Callers own connections. */
public final class DiffRepository {
  private static final String KEY =
      "sha256_a = ? AND sha256_b = ? AND threshold_millionths = ? AND include_antialiasing = ?";

  public Optional<DiffRecord> find(Connection c, DiffKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT width, height, mismatched_pixels, antialiased_pixels, size_mismatch,"
                + " identical, diff_sha256, diff_size, computed_at FROM diffs WHERE "
                + KEY)) {
      setKey(ps, 1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        DiffResult figures =
            new DiffResult(
                rs.getInt(1),
                rs.getInt(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getBoolean(5),
                rs.getBoolean(6),
                null);
        return Optional.of(
            new DiffRecord(key, figures, rs.getString(7), rs.getLong(8), rs.getLong(9)));
      }
    }
  }

  /** Inserts a computed diff; false when the same key was stored already (by a replica, say). */
  public boolean insertIfAbsent(Connection c, DiffRecord r) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO diffs (sha256_a, sha256_b, threshold_millionths, include_antialiasing,"
                + " width, height, mismatched_pixels, antialiased_pixels, size_mismatch,"
                + " identical, diff_sha256, diff_size, computed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      DiffResult figures = r.figures();
      setKey(ps, 1, r.key());
      ps.setInt(5, figures.width());
      ps.setInt(6, figures.height());
      ps.setLong(7, figures.mismatchedPixels());
      ps.setLong(8, figures.antialiasedPixels());
      ps.setBoolean(9, figures.sizeMismatch());
      ps.setBoolean(10, figures.identical());
      ps.setString(11, r.diffSha256());
      ps.setLong(12, r.diffSize());
      ps.setLong(13, r.computedAt());
      return ps.executeUpdate() > 0;
    }
  }

  private static void setKey(PreparedStatement ps, int first, DiffKey key) throws SQLException {
    DiffOptions options = key.options();
    ps.setString(first, key.sha256A());
    ps.setString(first + 1, key.sha256B());
    ps.setInt(first + 2, options.thresholdMillionths());
    ps.setBoolean(first + 3, !options.detectAntialiasing());
  }
}
