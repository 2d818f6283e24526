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
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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

  private final Database db;
  private final RuntimeRepository runtimes = new RuntimeRepository();
  private final Clock clock;

  public RuntimeService(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The stable id of a runtime: 16 hex digits of the SHA-256 of its six dimensions. */
  public static String idOf(TestRuntime r) {
    String key =
        String.join(
            "\n", r.platform(), r.resolution(), r.browser(), r.theme(), r.direction(), r.mode());
    byte[] hash = ImageId.newSha256().digest(key.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hash, 0, 8);
  }

  public record Saved(RuntimeRecord runtime, boolean created) {}

  /**
   * Creates a runtime, or updates the description of the existing one with these dimensions. The
   * input's id, when not null, must be the one its dimensions derive to.
   */
  public Saved save(RuntimeRecord input) {
    RuntimeRecord r = validate(input);
    return db.inTransaction(
        c -> {
          Optional<RuntimeRecord> existing = runtimes.find(c, r.id());
          if (existing.isPresent()) {
            if (r.description() != null) {
              runtimes.setDescription(c, r.id(), r.description());
            }
            return new Saved(runtimes.find(c, r.id()).orElseThrow(), false);
          }
          boolean inserted = runtimes.insertIfAbsent(c, r, clock.millis());
          return new Saved(runtimes.find(c, r.id()).orElseThrow(), inserted);
        });
  }

  public Optional<RuntimeRecord> get(String id) {
    return db.read(c -> runtimes.find(c, id));
  }

  public List<RuntimeRecord> list() {
    return db.read(runtimes::list);
  }

  public boolean delete(String id) {
    return db.inTransaction(c -> runtimes.delete(c, id));
  }

  /** Checks the dimensions and returns the runtime with its derived id. */
  private static RuntimeRecord validate(RuntimeRecord in) {
    if (in == null) {
      throw new InvalidInputException("bad_runtime", "the body must be a runtime object");
    }
    TestRuntime dims = in.runtime();
    dimension("platform", dims.platform());
    dimension("resolution", dims.resolution());
    dimension("browser", dims.browser());
    dimension("theme", dims.theme());
    dimension("direction", dims.direction());
    dimension("mode", dims.mode());
    if (in.description() != null && in.description().length() > MAX_DESCRIPTION) {
      throw new InvalidInputException(
          "bad_runtime", "description is longer than " + MAX_DESCRIPTION + " characters");
    }
    String id = idOf(dims);
    if (in.id() != null && !in.id().equals(id)) {
      throw new InvalidInputException(
          "runtime_id_mismatch",
          "id " + in.id() + " does not match the dimensions, whose id is " + id);
    }
    return new RuntimeRecord(id, dims, in.description());
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
