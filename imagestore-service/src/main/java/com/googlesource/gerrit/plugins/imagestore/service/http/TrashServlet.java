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
import com.googlesource.gerrit.plugins.imagestore.client.model.CleanupResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.TrashInfo;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashRecord;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /trash}: deleted images, kept restorable until their retention ends. Admins only, the
 * reads too: a deleted image is gone for everybody else.
 */
final class TrashServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;

  TrashServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length == 0) {
      Paging paging = Paging.of(req);
      auth.require(req, Role.ADMIN);
      List<TrashInfo> page = store.trash().list(paging.after(), paging.limit());
      paging.linkNext(req, resp, page.stream().map(i -> i.uuid).toList());
      noStore(resp);
      sendJson(resp, 200, page);
    } else if (path.length == 1) {
      ImageId id = imageId(path[0]);
      auth.require(req, Role.ADMIN);
      noStore(resp);
      sendJson(resp, 200, store.trash().info(id).orElseThrow(() -> notInTrash(id)));
    } else if (path.length == 2 && path[1].equals("image")) {
      ImageId id = imageId(path[0]);
      auth.require(req, Role.ADMIN);
      TrashRecord entry = store.trash().find(id).orElseThrow(() -> notInTrash(id));
      Optional<InputStream> bytes = store.trash().open(entry);
      if (bytes.isEmpty()) {
        if (store.trash().find(id).isPresent()) {
          throw bytesMissing(id);
        }
        throw notInTrash(id); // purged in between
      }
      noStore(resp);
      resp.setStatus(200);
      resp.setContentType("image/png");
      resp.setContentLengthLong(entry.image().size());
      try (InputStream in = bytes.get()) {
        sendBytes(in, resp);
      }
    } else {
      throw noSuchResource(req);
    }
  }

  /**
   * {@code POST /trash/{uuid}/restore} brings an image back; {@code POST /trash/purge} purges the
   * entries past their retention ({@code all}: every entry; {@code uuids}: these), or with {@code
   * dryRun} says what that would free.
   */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length == 2 && path[1].equals("restore")) {
      ImageId id = imageId(path[0]);
      Actor admin = auth.actor(req, Role.ADMIN);
      store.trash().restore(id, admin, "POST /trash/{uuid}/restore");
      sendJson(resp, 200, store.images().info(id).orElseThrow(() -> notInTrash(id)));
    } else if (path.length == 1 && path[0].equals("purge")) {
      Actor admin = auth.actor(req, Role.ADMIN);
      CleanupInput in =
          req.getContentLengthLong() == 0 ? new CleanupInput() : readJson(req, CleanupInput.class);
      if (in.minAge != null || in.runtime != null || in.spec != null) {
        throw RequestException.badRequest(
            "bad_cleanup", "a purge takes 'uuids' or 'all', not the orphan filters");
      }
      List<ImageId> uuids = OrphansServlet.uuids(in);
      if (uuids != null && in.all) {
        throw RequestException.badRequest("bad_cleanup", "give either 'uuids' or 'all'");
      }
      List<TrashRecord> entries;
      List<String> missing = new ArrayList<>();
      if (uuids != null) {
        entries = new ArrayList<>();
        for (ImageId id : uuids) {
          store.trash().find(id).ifPresentOrElse(entries::add, () -> missing.add(id.value()));
        }
      } else {
        entries = store.trash().purgeable(in.all, OrphanService.MAX_CLEANUP);
      }
      CleanupResult result = store.trash().purge(entries, in.dryRun, admin, "POST /trash/purge");
      for (String uuid : missing) {
        TrashService.skip(result, uuid, notInTrash(ImageId.of(uuid)));
      }
      result.more = uuids == null && entries.size() == OrphanService.MAX_CLEANUP;
      sendJson(resp, 200, result);
    } else {
      throw noSuchResource(req);
    }
  }

  /** Purges one entry now. */
  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    Actor admin = auth.actor(req, Role.ADMIN);
    if (store.trash().purge(id, admin, "DELETE /trash/{uuid}").isEmpty()) {
      throw notInTrash(id);
    }
    resp.setStatus(204);
  }

  private static RequestException notInTrash(ImageId id) {
    return RequestException.notFound("image " + id + " is not in the trash");
  }

  private static void noStore(HttpServletResponse resp) {
    resp.setHeader("Cache-Control", "no-store");
  }
}
