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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.model.CleanupInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.OrphanMarkInput;
import com.googlesource.gerrit.plugins.imagestore.service.config.Durations;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService.Selection;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeRecord;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import com.googlesource.gerrit.plugins.imagestore.service.trash.CleanupOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /orphans}: images no tracked commit references. List ({@code ?minAge=7d&runtime=&spec=},
 * paged) and read with an account (or for everybody with {@code --public-metadata}); recompute
 * ({@code POST}), mark ({@code PUT}), move to the trash ({@code DELETE}, {@code POST
 * /orphans/trash}) for admins.
 */
final class OrphanEndpoints {
  private static final int MAX_SPEC = 255;

  private final OrphanService orphans;
  private final RuntimeService runtimes;

  OrphanEndpoints(OrphanService orphans, RuntimeService runtimes) {
    this.orphans = orphans;
    this.runtimes = runtimes;
  }

  void list(Call call) throws IOException {
    Paging paging = Paging.of(call.req());
    Selection selection =
        selection(call.query("minAge"), call.query("runtime"), call.query("spec"));
    List<ImageRecord> page = orphans.list(selection, paging.after(), paging.limit());
    paging.linkNext(call.req(), call.resp(), page.stream().map(ImageRecord::uuid).toList());
    call.sendJson(200, page.stream().map(WireTypes::imageInfo).toList());
  }

  void get(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    call.sendJson(
        200,
        WireTypes.imageInfo(
            orphans.get(id).orElseThrow(() -> new NotFoundException("no orphan " + id))));
  }

  /** {@code POST /orphans} recomputes every orphan mark from the references. */
  void sweep(Call call) throws IOException {
    call.sendJson(200, WireTypes.sweepResult(orphans.sweep(call.actor())));
  }

  /**
   * {@code POST /orphans/trash} moves orphans past the grace period to the trash (or with {@code
   * dryRun} says which it would, and how many bytes their purge frees).
   */
  void cleanup(Call call) throws IOException {
    CleanupInput in = call.readJson(CleanupInput.class);
    if (in.all) {
      throw RequestException.badRequest(
          "bad_cleanup", "'all' belongs to POST /trash/purge; orphans go by the grace period");
    }
    List<ImageId> uuids = uuids(in);
    if (uuids != null && (in.minAge != null || in.runtime != null || in.spec != null)) {
      throw RequestException.badRequest(
          "bad_cleanup", "give either 'uuids' or the filters minAge, runtime and spec");
    }
    Selection selection = uuids == null ? selection(in.minAge, in.runtime, in.spec) : null;
    call.sendJson(
        200,
        WireTypes.cleanupResult(
            orphans.cleanup(uuids, selection, in.dryRun, call.actor(), "POST /orphans/trash")));
  }

  /** Marks an unreferenced image orphaned, since now or since {@code orphanedAt}. */
  void mark(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    OrphanMarkInput in = call.readJsonOr(OrphanMarkInput.class, new OrphanMarkInput());
    call.sendJson(200, WireTypes.imageInfo(orphans.mark(id, in.orphanedAt)));
  }

  /** Moves an orphan past the grace period to the trash. */
  void delete(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    if (!orphans.delete(id, call.actor(), "DELETE /orphans/{uuid}")) {
      throw new NotFoundException("no image " + id);
    }
    call.resp().setStatus(204);
  }

  private Selection selection(String minAge, String runtimeId, String spec) {
    Duration age = parseAge("minAge", minAge);
    TestRuntime runtime = null;
    if (runtimeId != null) {
      String id = Call.runtimeId(runtimeId);
      runtime =
          runtimes
              .get(id)
              .map(RuntimeRecord::runtime)
              .orElseThrow(
                  () -> RequestException.badRequest("unknown_runtime", "no runtime " + id));
    }
    if (spec != null && spec.length() > MAX_SPEC) {
      throw RequestException.badRequest(
          "bad_spec", "spec is longer than " + MAX_SPEC + " characters");
    }
    return new Selection(age, runtime, spec == null || spec.isEmpty() ? null : spec);
  }

  /** The body's {@code uuids}, checked; null when it names none. */
  static List<ImageId> uuids(CleanupInput in) {
    if (in.uuids == null) {
      return null;
    }
    if (in.uuids.isEmpty()) {
      throw RequestException.badRequest("bad_cleanup", "'uuids' is empty");
    }
    if (in.uuids.size() > CleanupOutcome.MAX_IMAGES) {
      throw RequestException.badRequest(
          "bad_cleanup", "at most " + CleanupOutcome.MAX_IMAGES + " uuids fit in one call");
    }
    List<ImageId> out = new ArrayList<>();
    for (int i = 0; i < in.uuids.size(); i++) {
      String u = in.uuids.get(i);
      if (u == null || !ImageId.isValid(u)) {
        throw RequestException.badRequest(
            "bad_uuid", "uuids[" + i + "] must be 32 lowercase hex digits");
      }
      out.add(ImageId.of(u));
    }
    return out;
  }

  /** An optional age ({@code minAge=7d}); zero when absent. */
  static Duration parseAge(String name, String text) {
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw RequestException.badRequest("bad_age", name + " must look like " + Durations.FORMS);
    }
  }
}
