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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.Shift;
import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code diffs} table. Callers own connections. */
public final class DiffRepository {
  private static final String KEY =
      "sha256_a = ? AND sha256_b = ? AND threshold_millionths = ? AND include_antialiasing = ?"
          + " AND ignore_sha256 = ?";

  public Optional<DiffRecord> find(Connection c, DiffKey key) throws SQLException {
    return bindKey(
            Sql.on(
                c,
                "SELECT width, height, mismatched_pixels, antialiased_pixels, size_mismatch,"
                    + " identical, diff_sha256, diff_size, computed_at, ignored_pixels, shifts,"
                    + " shifted_pixels FROM diffs WHERE "
                    + KEY),
            key)
        .one(
            rs -> {
              String shifts = rs.getString(11);
              rs.getLong(12);
              boolean shiftsKnown = shifts != null && !rs.wasNull();
              DiffResult figures =
                  new DiffResult(
                      rs.getInt(1),
                      rs.getInt(2),
                      rs.getLong(3),
                      rs.getLong(4),
                      rs.getBoolean(5),
                      rs.getBoolean(6),
                      null,
                      rs.getLong(10),
                      shiftsKnown ? decodeShifts(shifts) : List.of());
              return new DiffRecord(
                  key, figures, rs.getString(7), rs.getLong(8), rs.getLong(9), shiftsKnown);
            });
  }

  /** Inserts a computed diff; false when the same key was stored already (by a replica, say). */
  public boolean insertIfAbsent(Connection c, DiffRecord r) throws SQLException {
    DiffResult figures = r.figures();
    return bindKey(
                Sql.on(
                    c,
                    "INSERT INTO diffs (sha256_a, sha256_b, threshold_millionths,"
                        + " include_antialiasing, ignore_sha256, width, height, mismatched_pixels,"
                        + " antialiased_pixels, size_mismatch, identical, diff_sha256, diff_size,"
                        + " computed_at, ignored_pixels, shifts, shifted_pixels)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT DO NOTHING"),
                r.key())
            .bind(figures.width())
            .bind(figures.height())
            .bind(figures.mismatchedPixels())
            .bind(figures.antialiasedPixels())
            .bind(figures.sizeMismatch())
            .bind(figures.identical())
            .bind(r.diffSha256())
            .bind(r.diffSize())
            .bind(r.computedAt())
            .bind(figures.ignoredPixels())
            .bind(encodeShifts(figures.shifts()))
            .bind(figures.shiftedPixels())
            .update()
        > 0;
  }

  /** How many comparisons of the pair with ignore regions are stored (any other options). */
  public long countWithIgnoreRegions(Connection c, String sha256A, String sha256B)
      throws SQLException {
    return Sql.on(
            c,
            "SELECT COUNT(*) FROM diffs WHERE sha256_a = ? AND sha256_b = ? AND ignore_sha256 <> ''")
        .bind(sha256A)
        .bind(sha256B)
        .number();
  }

  /** The {@code ignore_sha256} of options: of their normalised regions, empty for none. */
  static String ignoreSha256(DiffOptions options) {
    String regions = options.ignoreKey();
    return regions.isEmpty() ? "" : ImageId.sha256Hex(regions.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Fills in the moved blocks of a row stored before they were detected; false when the row has
   * them already (or is gone).
   */
  public boolean fillShifts(Connection c, DiffRecord r) throws SQLException {
    DiffResult figures = r.figures();
    return bindKey(
                Sql.on(
                        c,
                        "UPDATE diffs SET shifts = ?, shifted_pixels = ? WHERE "
                            + KEY
                            + " AND shifted_pixels IS NULL")
                    .bind(encodeShifts(figures.shifts()))
                    .bind(figures.shiftedPixels()),
                r.key())
            .update()
        > 0;
  }

  /** {@code x,y,width,height,dx,dy,mismatchedPixels} per move, separated by {@code ;}. */
  static String encodeShifts(List<Shift> shifts) {
    StringBuilder out = new StringBuilder();
    for (Shift s : shifts) {
      if (!out.isEmpty()) {
        out.append(';');
      }
      out.append(s.x()).append(',').append(s.y()).append(',').append(s.width()).append(',');
      out.append(s.height()).append(',').append(s.dx()).append(',').append(s.dy()).append(',');
      out.append(s.mismatchedPixels());
    }
    return out.toString();
  }

  static List<Shift> decodeShifts(String text) {
    List<Shift> shifts = new ArrayList<>();
    if (text.isEmpty()) {
      return shifts;
    }
    for (String one : text.split(";")) {
      String[] f = one.split(",");
      if (f.length != 7) {
        throw new IllegalStateException("malformed stored shift: " + one);
      }
      shifts.add(
          new Shift(
              Integer.parseInt(f[0]),
              Integer.parseInt(f[1]),
              Integer.parseInt(f[2]),
              Integer.parseInt(f[3]),
              Integer.parseInt(f[4]),
              Integer.parseInt(f[5]),
              Long.parseLong(f[6])));
    }
    return shifts;
  }

  /** Binds the {@link #KEY} columns of {@code key}, in order. */
  private static Sql bindKey(Sql statement, DiffKey key) {
    DiffOptions options = key.options();
    return statement
        .bind(key.sha256A())
        .bind(key.sha256B())
        .bind(options.thresholdMillionths())
        .bind(!options.detectAntialiasing())
        .bind(ignoreSha256(options));
  }
}
