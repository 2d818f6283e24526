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
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The hottest request, {@code GET /images/{uuid}} of a stored image, answered in Jetty's core
 * without the servlet layer: a lookup, then the whole image from the blob cache in one write.
 * Everything else, and every error, falls through to {@link ImagesServlet}, which answers the same
 * request with the same headers, streaming the bytes (tests compare both).
 */
final class ImageDownloads extends Handler.Wrapper {
  private static final String PREFIX = "/images/";
  private static final HttpField PNG =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "image/png");
  private static final HttpField IMMUTABLE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, JsonServlet.IMMUTABLE);

  private final ImageService images;

  ImageDownloads(Handler handler, ImageService images) {
    super(handler);
    this.images = images;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = request.getHttpURI().getPath();
    if (!HttpMethod.GET.is(request.getMethod())
        || path.length() != PREFIX.length() + 32
        || !path.startsWith(PREFIX)) {
      return super.handle(request, response, callback);
    }
    String id = path.substring(PREFIX.length());
    ImageRecord image = lookUp(request, id);
    if (image == null) {
      return super.handle(request, response, callback);
    }
    String etag = ImagesServlet.etag(image);
    if (JsonServlet.matches(request.getHeaders().get(HttpHeader.IF_NONE_MATCH), etag)) {
      response.setStatus(304);
      response.getHeaders().put(HttpHeader.ETAG, etag).put(IMMUTABLE);
      callback.succeeded();
      return true;
    }
    ByteBuffer bytes = read(request, image);
    if (bytes == null) {
      return super.handle(request, response, callback);
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

  // Null from these two lets the servlet answer: invalid ids, absent or large images, and
  // failures, which it logs with an incident id and answers as JSON. An outage is handed over
  // (FAILURE) rather than met again: the servlet would wait for the same database or blob store.

  /** The request attribute holding an outage the fast path met, for the servlet to answer. */
  static final String FAILURE = ImageDownloads.class.getName() + ".outage";

  /** Throws the outage {@link ImageDownloads} met on this request, if any. */
  static void rethrowOutage(HttpServletRequest req) throws IOException {
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

  private ImageRecord lookUp(Request request, String id) {
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

  private ByteBuffer read(Request request, ImageRecord image) {
    try {
      return images.read(image).orElse(null);
    } catch (IOException | RuntimeException e) {
      handOver(request, e);
      return null;
    }
  }
}
