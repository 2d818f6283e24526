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
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadMeta;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadResult;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService.StoreOutcome;
import com.googlesource.gerrit.plugins.imagestore.service.png.IncomingImage;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService.Guard;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /images}: upload (multipart as UIVeri5 sends it, or a raw PUT under a chosen id),
 * download, info, list and delete.
 */
final class ImagesServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;
  static final int MAX_META_BYTES = 64 * 1024;

  ImagesServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length == 0) {
      auth.requireMetadataReader(req);
      Paging paging = Paging.of(req);
      List<String> ids = store.images().list(paging.after(), paging.limit());
      paging.linkNext(req, resp, ids);
      sendJson(resp, 200, ids);
    } else if (path.length == 1) {
      download(req, resp, imageId(path[0]), true);
    } else if (path.length == 2 && path[1].equals("info")) {
      ImageId id = imageId(path[0]);
      auth.requireMetadataReader(req);
      sendJson(
          resp,
          200,
          store.images().info(id).orElseThrow(() -> RequestException.notFound("no image " + id)));
    } else {
      throw noSuchResource(req);
    }
  }

  @Override
  protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length != 1) {
      throw notAllowed(req);
    }
    download(req, resp, imageId(path[0]), false);
  }

  /**
   * Answers what {@link ImageDownloads} leaves to the servlet: HEAD, large images, and failures
   * (which {@link JsonServlet} logs with an incident id). It streams the bytes.
   */
  private void download(
      HttpServletRequest req, HttpServletResponse resp, ImageId id, boolean withBody)
      throws IOException {
    ImageDownloads.rethrowOutage(req);
    ImageRecord image =
        store.images().find(id).orElseThrow(() -> RequestException.notFound("no image " + id));
    String etag = etag(image);
    resp.setHeader("ETag", etag);
    resp.setHeader("Cache-Control", IMMUTABLE);
    if (matches(req.getHeader("If-None-Match"), etag)) {
      resp.setStatus(304);
      return;
    }
    Optional<InputStream> bytes = withBody ? store.images().open(image) : Optional.empty();
    if (withBody && bytes.isEmpty()) {
      resp.setHeader("Cache-Control", "no-store");
      if (store.images().find(id).isPresent()) {
        throw bytesMissing(id);
      }
      throw RequestException.notFound("no image " + id); // deleted between lookup and read
    }
    resp.setStatus(200);
    resp.setContentType("image/png");
    resp.setContentLengthLong(image.size());
    if (withBody) {
      try (InputStream in = bytes.get()) {
        sendBytes(in, resp);
      }
    }
  }

  /** The ETag of an image's download: its content hash, quoted. */
  static String etag(ImageRecord image) {
    return '"' + image.sha256() + '"';
  }

  /**
   * Uploads take their real types only: {@code POST /images} multipart/form-data (as UIVeri5 sends
   * it), {@code PUT /images/{uuid}} image/png or the same multipart form.
   */
  @Override
  protected void checkContentType(HttpServletRequest req) {
    boolean put = req.getMethod().equals("PUT");
    if (!put && segments(req).length != 0) {
      return; // 405 follows
    }
    String type = mediaType(req);
    if (!isMultipart(req) && !(put && "image/png".equals(type))) {
      throw unsupportedMediaType(
          req, put ? "image/png or multipart/form-data" : "multipart/form-data");
    }
  }

  /** {@code POST /images}: the multipart upload UIVeri5 sends; the id derives from the content. */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (segments(req).length != 0) {
      throw notAllowed(req);
    }
    // The length first: a client waiting to send a large body learns of the refusal before a
    // login check (bcrypt) could outlast its patience.
    checkLength(req.getContentLengthLong());
    Actor user = auth.actor(req, Role.UPLOADER);
    try (Upload upload = readMultipart(req)) {
      store(resp, upload.image().contentId(), upload, user, null);
    }
  }

  /**
   * {@code PUT /images/{uuid}}: a raw PNG body (or the same multipart form) under its
   * content-derived id; other bytes are refused with 400 {@code not_content_id}, so nobody can
   * squat the id of an image still to come. {@code ?import=true} (admins) stores under any id, for
   * legacy {@code .lnk} files whose uuid is not content-derived, and the audit log records it.
   */
  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    boolean importing = importing(req);
    checkLength(req.getContentLengthLong());
    Actor user = auth.actor(req, importing ? Role.ADMIN : Role.UPLOADER);
    Upload upload;
    if (isMultipart(req)) {
      upload = readMultipart(req);
    } else {
      UploadMeta meta = parseMeta(req.getHeader(ImagestoreClient.META_HEADER));
      checkLength(req.getContentLengthLong());
      upload = new Upload(receive(req.getInputStream()), meta);
    }
    try (upload) {
      ImageId content = upload.image().contentId();
      if (!importing && !content.equals(id)) {
        throw RequestException.badRequest(
            "not_content_id",
            "these bytes belong under "
                + content
                + " (the first 128 bits of their SHA-256), not "
                + id
                + "; admins import under other ids with ?import=true");
      }
      store(resp, id, upload, user, importing ? "PUT /images/{uuid}?import=true" : null);
    }
  }

  private static boolean importing(HttpServletRequest req) {
    String value = req.getParameter("import");
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw RequestException.badRequest("bad_import", "import must be true or false");
  }

  private void store(
      HttpServletResponse resp, ImageId id, Upload upload, Actor user, String importDetail)
      throws IOException {
    StoreOutcome outcome =
        store.images().store(upload.image(), id, upload.meta(), user, importDetail);
    UploadResult result = new UploadResult();
    result.uuid = id.value();
    if (outcome == StoreOutcome.CREATED) {
      resp.setHeader("Location", "/images/" + id.value());
    }
    sendJson(resp, outcome == StoreOutcome.CREATED ? 201 : 200, result);
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    Actor admin = auth.actor(req, Role.ADMIN);
    boolean force = "true".equals(req.getParameter("force"));
    Guard guard = force ? Guard.FORCE : Guard.UNREFERENCED;
    String detail = force ? "DELETE /images/{uuid}?force=true" : "DELETE /images/{uuid}";
    if (!store.trash().moveToTrash(id, guard, admin, detail)) {
      throw RequestException.notFound("no image " + id);
    }
    resp.setStatus(204);
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
      checkLength(req.getContentLengthLong());
      imagePart = req.getPart("image");
      jsonPart = req.getPart("json");
    } catch (ServletException | IllegalStateException | IOException e) {
      markBodyBroken(req);
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
    return IncomingImage.receive(
        in, store.tmpDir(), store.config().maxImageBytes(), store.config().maxPixels());
  }

  private void checkLength(long contentLength) {
    // Multipart framing adds a little; the metadata part is bounded separately.
    long max = store.config().maxImageBytes() + MAX_META_BYTES + 64 * 1024;
    if (contentLength > max) {
      throw RequestException.tooLarge(
          "the upload is larger than the limit of " + store.config().maxImageBytes() + " bytes");
    }
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
          "the upload is larger than the limit of " + store.config().maxImageBytes() + " bytes");
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
      UploadMeta meta = Json.gson().fromJson(json, UploadMeta.class);
      if (meta == null) {
        throw RequestException.badRequest("bad_metadata", "the metadata must be a JSON object");
      }
      return meta;
    } catch (JsonParseException e) {
      throw RequestException.badRequest(
          "bad_metadata", "the metadata is not valid JSON of the UIVeri5 form: " + e.getMessage());
    }
  }

  private static boolean isMultipart(HttpServletRequest req) {
    String type = mediaType(req);
    return type != null && type.equals("multipart/form-data");
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
