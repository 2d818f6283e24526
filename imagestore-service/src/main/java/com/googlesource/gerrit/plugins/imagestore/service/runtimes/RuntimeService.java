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

package com.googlesource.gerrit.plugins.imagestore.service.runtimes;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The runtimes visual tests run in. A runtime's id is derived from its six dimensions, so the same
 * runtime always has the same id, on every replica.
 */
public final class RuntimeService {
  /** A dimension is one path segment of UIVeri5's image layout: no slashes, nothing exotic. */
  private static final Pattern DIMENSION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._+*-]{0,63}$");

  private static final int MAX_DESCRIPTION = 1024;
  private static final String COLUMNS =
      "id, platform, resolution, browser, theme, direction, mode, description";

  private final Database db;
  private final Clock clock;

  public RuntimeService(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The stable id of a runtime: 16 hex digits of the SHA-256 of its six dimensions. */
  public static String idOf(RuntimeInfo r) {
    String key =
        String.join("\n", r.platform, r.resolution, r.browser, r.theme, r.direction, r.mode);
    byte[] hash = ImageId.newSha256().digest(key.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hash, 0, 8);
  }

  public record Saved(RuntimeInfo runtime, boolean created) {}

  /** Creates a runtime, or updates the description of the existing one with these dimensions. */
  public Saved save(RuntimeInfo input) {
    RuntimeInfo r = validate(input);
    return db.inTransaction(
        c -> {
          Optional<RuntimeInfo> existing = find(c, r.id);
          if (existing.isPresent()) {
            if (r.description != null) {
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE runtimes SET description = ? WHERE id = ?")) {
                ps.setString(1, r.description);
                ps.setString(2, r.id);
                ps.executeUpdate();
              }
            }
            return new Saved(find(c, r.id).orElseThrow(), false);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO runtimes ("
                      + COLUMNS
                      + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            ps.setString(1, r.id);
            ps.setString(2, r.platform);
            ps.setString(3, r.resolution);
            ps.setString(4, r.browser);
            ps.setString(5, r.theme);
            ps.setString(6, r.direction);
            ps.setString(7, r.mode);
            ps.setString(8, r.description);
            ps.setLong(9, clock.millis());
            boolean inserted = ps.executeUpdate() > 0;
            return new Saved(find(c, r.id).orElseThrow(), inserted);
          }
        });
  }

  public Optional<RuntimeInfo> get(String id) {
    return db.read(c -> find(c, id));
  }

  public List<RuntimeInfo> list() {
    return db.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT "
                          + COLUMNS
                          + " FROM runtimes ORDER BY platform, resolution, browser, theme,"
                          + " direction, mode");
              ResultSet rs = ps.executeQuery()) {
            List<RuntimeInfo> out = new ArrayList<>();
            while (rs.next()) {
              out.add(read(rs));
            }
            return out;
          }
        });
  }

  public boolean delete(String id) {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM runtimes WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
          }
        });
  }

  private static Optional<RuntimeInfo> find(java.sql.Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM runtimes WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static RuntimeInfo read(ResultSet rs) throws SQLException {
    RuntimeInfo r = new RuntimeInfo();
    r.id = rs.getString(1);
    r.platform = rs.getString(2);
    r.resolution = rs.getString(3);
    r.browser = rs.getString(4);
    r.theme = rs.getString(5);
    r.direction = rs.getString(6);
    r.mode = rs.getString(7);
    r.description = rs.getString(8);
    return r;
  }

  /** Checks the dimensions and returns a copy with its derived id. */
  public static RuntimeInfo validate(RuntimeInfo in) {
    if (in == null) {
      throw new InvalidInputException("bad_runtime", "the body must be a runtime object");
    }
    dimension("platform", in.platform);
    dimension("resolution", in.resolution);
    dimension("browser", in.browser);
    dimension("theme", in.theme);
    dimension("direction", in.direction);
    dimension("mode", in.mode);
    if (in.description != null && in.description.length() > MAX_DESCRIPTION) {
      throw new InvalidInputException(
          "bad_runtime", "description is longer than " + MAX_DESCRIPTION + " characters");
    }
    RuntimeInfo r = new RuntimeInfo();
    r.platform = in.platform;
    r.resolution = in.resolution;
    r.browser = in.browser;
    r.theme = in.theme;
    r.direction = in.direction;
    r.mode = in.mode;
    r.description = in.description;
    r.id = idOf(r);
    if (in.id != null && !in.id.equals(r.id)) {
      throw new InvalidInputException(
          "runtime_id_mismatch",
          "id " + in.id + " does not match the dimensions, whose id is " + r.id);
    }
    return r;
  }

  private static void dimension(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("bad_runtime", name + " is missing");
    }
    if (!DIMENSION.matcher(value).matches()) {
      throw new InvalidInputException(
          "bad_runtime",
          name
              + " must be 1 to 64 letters, digits or . _ + * - (it is a path segment of the"
              + " image layout)");
    }
  }
}
