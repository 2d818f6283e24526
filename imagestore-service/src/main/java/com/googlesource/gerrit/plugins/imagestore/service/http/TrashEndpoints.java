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
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashRecord;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code /trash}: deleted images, kept restorable until their retention ends. Admins only, the
 * reads too: a deleted image is gone for everybody else.
 */
final class TrashEndpoints {
  private final TrashService trash;
  private final ImageService images;

  TrashEndpoints(TrashService trash, ImageService images) {
    this.trash = trash;
    this.images = images;
  }

  void list(Call call) throws IOException {
    Paging paging = Paging.of(call.req());
    List<TrashRecord> page = trash.list(paging.after(), paging.limit());
    paging.linkNext(call.req(), call.resp(), page.stream().map(t -> t.image().uuid()).toList());
    call.noStore();
    call.sendJson(200, page.stream().map(WireTypes::trashInfo).toList());
  }

  void info(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    call.noStore();
    call.sendJson(200, WireTypes.trashInfo(trash.details(id).orElseThrow(() -> notInTrash(id))));
  }

  void image(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    TrashRecord entry = trash.find(id).orElseThrow(() -> notInTrash(id));
    Optional<InputStream> bytes = trash.open(entry);
    if (bytes.isEmpty()) {
      if (trash.find(id).isPresent()) {
        throw ApiServlet.bytesMissing(id);
      }
      throw notInTrash(id); // purged in between
    }
    call.noStore();
    HttpServletResponse resp = call.resp();
    resp.setStatus(200);
    resp.setContentType("image/png");
    resp.setContentLengthLong(entry.image().size());
    try (InputStream in = bytes.get()) {
      ApiServlet.sendBytes(in, resp);
    }
  }

  /** {@code POST /trash/{uuid}/restore} brings an image back. */
  void restore(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    trash.restore(id, call.actor(), "POST /trash/{uuid}/restore");
    call.sendJson(200, WireTypes.imageInfo(images.details(id).orElseThrow(() -> notInTrash(id))));
  }

  /**
   * {@code POST /trash/purge} purges the entries past their retention ({@code all}: every entry;
   * {@code uuids}: these), or with {@code dryRun} says what that would free.
   */
  void purge(Call call) throws IOException {
    CleanupInput in = call.readJsonOr(CleanupInput.class, new CleanupInput());
    if (in.minAge != null || in.runtime != null || in.spec != null) {
      throw RequestException.badRequest(
          "bad_cleanup", "a purge takes 'uuids' or 'all', not the orphan filters");
    }
    List<ImageId> uuids = OrphanEndpoints.uuids(in);
    if (uuids != null && in.all) {
      throw RequestException.badRequest("bad_cleanup", "give either 'uuids' or 'all'");
    }
    call.sendJson(
        200,
        WireTypes.cleanupResult(
            trash.purge(uuids, in.all, in.dryRun, call.actor(), "POST /trash/purge")));
  }

  /** {@code DELETE /trash/{uuid}} purges one entry now. */
  void purgeOne(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    if (trash.purge(id, call.actor(), "DELETE /trash/{uuid}").isEmpty()) {
      throw notInTrash(id);
    }
    call.resp().setStatus(204);
  }

  private static NotFoundException notInTrash(ImageId id) {
    return new NotFoundException("image " + id + " is not in the trash");
  }
}
