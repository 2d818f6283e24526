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

import com.google.gson.JsonParseException;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadMeta;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService.StoreOutcome;
import com.googlesource.gerrit.plugins.imagestore.service.png.IncomingImage;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService.Guard;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code /images}: upload (multipart as UIVeri5 sends it, or a raw PUT under a chosen id), info,
 * list and delete; {@link ImageDownload} answers downloads.
 */
final class ImageEndpoints {
  static final int MAX_META_BYTES = 64 * 1024;

  private final ImageService images;
  private final TrashService trash;
  private final UploadLimits limits;

  /**
   * Where uploads are spooled and how large they may be.
   *
   * @param tmpDir the spool directory
   */
  record UploadLimits(Path tmpDir, long maxImageBytes, long maxPixels) {}

  ImageEndpoints(ImageService images, TrashService trash, UploadLimits limits) {
    this.images = images;
    this.trash = trash;
    this.limits = limits;
  }

  void list(Call call) throws IOException {
    Paging paging = Paging.of(call.req());
    List<String> ids = images.list(paging.after(), paging.limit());
    paging.linkNext(call.req(), call.resp(), ids);
    call.sendJson(200, ids);
  }

  void info(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    call.sendJson(
        200,
        WireTypes.imageInfo(
            images.details(id).orElseThrow(() -> new NotFoundException("no image " + id))));
  }

  /** {@code POST /images}: the multipart upload UIVeri5 sends; the id derives from the content. */
  void upload(Call call) throws IOException {
    try (Upload upload = readMultipart(call.req())) {
      store(call, upload.image().contentId(), upload, null);
    }
  }

  /**
   * {@code PUT /images/{uuid}}: a raw PNG body (or the same multipart form) under its
   * content-derived id; other bytes are refused with 400 {@code not_content_id}, so nobody can
   * squat the id of an image still to come. {@code ?import=true} (admins) stores under any id, for
   * legacy {@code .lnk} files whose uuid is not content-derived, and the audit log records it.
   */
  void put(Call call) throws IOException {
    HttpServletRequest req = call.req();
    ImageId id = call.imageId("uuid");
    boolean importing = call.importing();
    Upload upload;
    if (Body.isMultipart(req)) {
      upload = readMultipart(req);
    } else {
      UploadMeta meta = parseMeta(req.getHeader(ImagestoreClient.META_HEADER));
      upload = new Upload(receive(req.getInputStream()), meta);
    }
    try (upload) {
      ImageId content = upload.image().contentId();
      if (!importing && !content.equals(id)) {
        throw new InvalidInputException(
            "not_content_id",
            "these bytes belong under "
                + content
                + " (the first 128 bits of their SHA-256), not "
                + id
                + "; admins import under other ids with ?import=true");
      }
      store(call, id, upload, importing ? "PUT /images/{uuid}?import=true" : null);
    }
  }

  private void store(Call call, ImageId id, Upload upload, String importDetail) throws IOException {
    StoreOutcome outcome =
        images.store(
            upload.image(), id, WireTypes.metadata(upload.meta()), call.actor(), importDetail);
    if (outcome == StoreOutcome.CREATED) {
      call.resp().setHeader("Location", "/images/" + id.value());
    }
    call.sendJson(outcome == StoreOutcome.CREATED ? 201 : 200, WireTypes.uploadResult(id.value()));
  }

  void delete(Call call) throws IOException {
    ImageId id = call.imageId("uuid");
    boolean force = "true".equals(call.query("force"));
    Guard guard = force ? Guard.FORCE : Guard.UNREFERENCED;
    String detail = force ? "DELETE /images/{uuid}?force=true" : "DELETE /images/{uuid}";
    if (!trash.moveToTrash(id, guard, call.actor(), detail)) {
      throw new NotFoundException("no image " + id);
    }
    call.resp().setStatus(204);
  }

  private record Upload(IncomingImage image, UploadMeta meta) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      image.close();
    }
  }

  private Upload readMultipart(HttpServletRequest req) throws IOException {
    Part imagePart;
    Part jsonPart;
    try {
      imagePart = req.getPart("image");
      jsonPart = req.getPart("json");
    } catch (ServletException | IllegalStateException | IOException e) {
      ApiServlet.markBodyBroken(req);
      throw multipartError(e);
    }
    try {
      if (imagePart == null) {
        throw RequestException.badRequest(
            "missing_image", "the multipart form has no file part named 'image'");
      }
      UploadMeta meta = null;
      if (jsonPart != null) {
        if (jsonPart.getSize() > MAX_META_BYTES) {
          throw RequestException.badRequest(
              "bad_metadata", "the 'json' part is larger than " + MAX_META_BYTES + " bytes");
        }
        try (InputStream in = jsonPart.getInputStream()) {
          meta = parseMeta(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      try (InputStream in = imagePart.getInputStream()) {
        return new Upload(receive(in), meta);
      }
    } finally {
      deleteQuietly(imagePart);
      deleteQuietly(jsonPart);
    }
  }

  private IncomingImage receive(InputStream in) throws IOException {
    return IncomingImage.receive(in, limits.tmpDir(), limits.maxImageBytes(), limits.maxPixels());
  }

  private RequestException multipartError(Exception e) {
    // Jetty wraps the reason ("max file size exceeded") two levels deep.
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append(' ');
    }
    String lower = text.toString().toLowerCase(Locale.ROOT);
    if (lower.contains("exceeds") || lower.contains("too large") || lower.contains("max")) {
      return RequestException.tooLarge(
          "the upload is larger than the limit of " + limits.maxImageBytes() + " bytes");
    }
    return RequestException.badRequest(
        "bad_multipart", "malformed multipart body: " + e.getMessage());
  }

  private static UploadMeta parseMeta(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    if (json.length() > MAX_META_BYTES) {
      throw RequestException.badRequest("bad_metadata", "the metadata is too large");
    }
    try {
      UploadMeta meta = RequestJson.gson().fromJson(json, UploadMeta.class);
      if (meta == null) {
        throw RequestException.badRequest("bad_metadata", "the metadata must be a JSON object");
      }
      return meta;
    } catch (JsonParseException e) {
      throw RequestException.badRequest(
          "bad_metadata", "the metadata is not valid JSON of the UIVeri5 form: " + e.getMessage());
    }
  }

  private static void deleteQuietly(Part part) {
    if (part != null) {
      try {
        part.delete();
      } catch (IOException e) {
        // A leftover spool file is removed with the multipart temp directory.
      }
    }
  }
}
