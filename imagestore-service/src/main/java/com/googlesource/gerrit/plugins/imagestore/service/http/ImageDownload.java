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
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageContent;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET} and {@code HEAD /images/{uuid}}: an image's bytes, by anyone. The hottest request, so
 * a stored image of at most {@link ImageService#MAX_HELD_BYTES} is answered in Jetty's core,
 * without the servlet layer ({@link CoreRoutes}): a lookup, then the whole image from the blob
 * cache in one write. The rest (HEAD, large images, and every error) is answered through the
 * servlet ({@link #handle}), which streams the bytes. Both go by {@link #etag} and {@link
 * #notModified}, and send the same headers (tests compare both).
 */
final class ImageDownload implements Route.Endpoint, CoreRoutes.CoreEndpoint {
  private static final HttpField PNG =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "image/png");
  private static final HttpField IMMUTABLE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, ApiServlet.IMMUTABLE);

  /** The request attribute holding an outage the core met, for the servlet to answer. */
  private static final String FAILURE = ImageDownload.class.getName() + ".outage";

  private final ImageService images;

  ImageDownload(ImageService images) {
    this.images = images;
  }

  /** The ETag of an image's download: its content hash, quoted. */
  static String etag(String sha256) {
    return '"' + sha256 + '"';
  }

  /** Whether the client's {@code If-None-Match} already names the image's bytes. */
  private static boolean notModified(String ifNoneMatch, String sha256) {
    return ApiServlet.matches(ifNoneMatch, etag(sha256));
  }

  @Override
  public void handle(Call call) throws IOException {
    HttpServletRequest req = call.req();
    HttpServletResponse resp = call.resp();
    rethrowOutage(req);
    boolean withBody = req.getMethod().equals("GET");
    ImageId id = call.imageId("uuid");
    ImageRecord image = images.find(id).orElseThrow(() -> new NotFoundException("no image " + id));
    resp.setHeader("ETag", etag(image.sha256()));
    resp.setHeader("Cache-Control", ApiServlet.IMMUTABLE);
    if (notModified(req.getHeader("If-None-Match"), image.sha256())) {
      resp.setStatus(304);
      return;
    }
    Optional<InputStream> bytes = withBody ? images.open(image) : Optional.empty();
    if (withBody && bytes.isEmpty()) {
      resp.setHeader("Cache-Control", "no-store");
      if (images.find(id).isPresent()) {
        throw ApiServlet.bytesMissing(id);
      }
      throw new NotFoundException("no image " + id); // deleted between lookup and read
    }
    resp.setStatus(200);
    resp.setContentType("image/png");
    resp.setContentLengthLong(image.size());
    if (withBody) {
      try (InputStream in = bytes.get()) {
        ApiServlet.sendBytes(in, resp);
      }
    }
  }

  @Override
  public boolean handleInCore(
      Request request, Response response, Callback callback, Map<String, String> pathParameters) {
    if (!request.getMethod().equals("GET")) {
      return false;
    }
    ImageContent image = lookUp(request, pathParameters.get("uuid"));
    if (image == null) {
      return false;
    }
    String etag = etag(image.sha256());
    if (notModified(request.getHeaders().get(HttpHeader.IF_NONE_MATCH), image.sha256())) {
      response.setStatus(304);
      response.getHeaders().put(HttpHeader.ETAG, etag).put(IMMUTABLE);
      callback.succeeded();
      return true;
    }
    ByteBuffer bytes = read(request, image);
    if (bytes == null) {
      return false;
    }
    response.setStatus(200);
    response
        .getHeaders()
        .put(HttpHeader.ETAG, etag)
        .put(IMMUTABLE)
        .put(PNG)
        .put(HttpHeader.CONTENT_LENGTH, image.size());
    response.write(true, bytes, callback);
    return true;
  }

  // Null from these two leaves the request to the servlet: invalid ids, absent or large images,
  // and failures, which it logs with an incident id and answers as JSON. An outage is handed over
  // (FAILURE) rather than met again: the servlet would wait for the same database or blob store.

  /** Throws the outage the core met on this request, if any. */
  private static void rethrowOutage(HttpServletRequest req) throws IOException {
    Object failure = req.getAttribute(FAILURE);
    if (failure instanceof IOException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
  }

  private static void handOver(Request request, Exception e) {
    if (Unavailable.of(e) != null) {
      request.setAttribute(FAILURE, e);
    }
  }

  private ImageContent lookUp(Request request, String id) {
    try {
      return images
          .findForDownload(ImageId.of(id)) // an invalid id throws: the servlet answers 400
          .filter(i -> i.size() <= ImageService.MAX_HELD_BYTES)
          .orElse(null);
    } catch (RuntimeException e) {
      handOver(request, e);
      return null;
    }
  }

  private ByteBuffer read(Request request, ImageContent image) {
    try {
      return images.read(image).orElse(null);
    } catch (IOException | RuntimeException e) {
      handOver(request, e);
      return null;
    }
  }
}
