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
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.OrphanMarkInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.config.Durations;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService.Selection;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
final class OrphansServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_SPEC = 255;

  OrphansServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    auth.requireMetadataReader(req);
    String[] path = segments(req);
    if (path.length == 0) {
      Paging paging = Paging.of(req);
      Selection selection =
          selection(
              req.getParameter("minAge"), req.getParameter("runtime"), req.getParameter("spec"));
      List<ImageInfo> page = store.orphans().list(selection, paging.after(), paging.limit());
      paging.linkNext(req, resp, page.stream().map(i -> i.uuid).toList());
      sendJson(resp, 200, page);
    } else if (path.length == 1) {
      ImageId id = imageId(path[0]);
      sendJson(
          resp,
          200,
          store.orphans().get(id).orElseThrow(() -> RequestException.notFound("no orphan " + id)));
    } else {
      throw noSuchResource(req);
    }
  }

  /**
   * {@code POST /orphans} recomputes every orphan mark from the references; {@code POST
   * /orphans/trash} moves orphans past the grace period to the trash (or with {@code dryRun} says
   * which it would, and how many bytes their purge frees).
   */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length == 0) {
      Actor admin = auth.actor(req, Role.ADMIN);
      sendJson(resp, 200, store.orphans().sweep(admin));
    } else if (path.length == 1 && path[0].equals("trash")) {
      Actor admin = auth.actor(req, Role.ADMIN);
      CleanupInput in = readJson(req, CleanupInput.class);
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
      sendJson(
          resp,
          200,
          store.orphans().cleanup(uuids, selection, in.dryRun, admin, "POST /orphans/trash"));
    } else {
      throw noSuchResource(req);
    }
  }

  /** Marks an unreferenced image orphaned, since now or since {@code orphanedAt}. */
  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    auth.require(req, Role.ADMIN);
    OrphanMarkInput in =
        req.getContentLengthLong() == 0
            ? new OrphanMarkInput()
            : readJson(req, OrphanMarkInput.class);
    sendJson(resp, 200, store.orphans().mark(id, in.orphanedAt));
  }

  /** Moves an orphan past the grace period to the trash. */
  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    Actor admin = auth.actor(req, Role.ADMIN);
    if (!store.orphans().delete(id, admin, "DELETE /orphans/{uuid}")) {
      throw RequestException.notFound("no image " + id);
    }
    resp.setStatus(204);
  }

  private Selection selection(String minAge, String runtimeId, String spec) {
    Duration age = parseAge("minAge", minAge);
    RuntimeInfo runtime = null;
    if (runtimeId != null) {
      String id = RuntimesServlet.runtimeId(runtimeId);
      runtime =
          store
              .runtimes()
              .get(id)
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
    if (in.uuids.size() > OrphanService.MAX_CLEANUP) {
      throw RequestException.badRequest(
          "bad_cleanup", "at most " + OrphanService.MAX_CLEANUP + " uuids fit in one call");
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
