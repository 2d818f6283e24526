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

import jakarta.servlet.http.HttpServletRequest;

/**
 * What a route takes as the body of a POST or PUT, refused with 415 before anything else
 * (authentication included) happens. A page of another site can send a form (urlencoded, multipart
 * or text/plain) without asking, but no JSON: so the JSON routes take {@code application/json}
 * only, or no {@code Content-Type} at all when they have no body.
 */
enum Body {
  /** None: GET, HEAD and DELETE. */
  NONE(0),
  /** JSON up to 1 MiB, or nothing. */
  JSON(1024 * 1024),
  /** JSON up to 256 MiB: a full scan of a large project sends its whole set of references. */
  LARGE_JSON(256L * 1024 * 1024),
  /** The multipart form UIVeri5 sends. */
  MULTIPART(0),
  /** A raw PNG, or the same multipart form. */
  PNG_OR_MULTIPART(0);

  private final long maxJsonBytes;

  Body(long maxJsonBytes) {
    this.maxJsonBytes = maxJsonBytes;
  }

  long maxJsonBytes() {
    return maxJsonBytes;
  }

  /** Whether the body is an image upload, whose length is checked before the caller's access. */
  boolean isUpload() {
    return this == MULTIPART || this == PNG_OR_MULTIPART;
  }

  /**
   * The largest upload body: an image of {@code maxImageBytes}, its metadata part (bounded
   * separately) and a little multipart framing.
   */
  static long maxUploadBytes(long maxImageBytes) {
    return maxImageBytes + ImageEndpoints.MAX_META_BYTES + 64 * 1024;
  }

  /** Refuses an upload body larger than an image of {@code maxImageBytes} and its metadata: 413. */
  static void checkUploadLength(HttpServletRequest req, long maxImageBytes) {
    if (req.getContentLengthLong() > maxUploadBytes(maxImageBytes)) {
      throw RequestException.tooLarge(
          "the upload is larger than the limit of " + maxImageBytes + " bytes");
    }
  }

  /** Refuses a POST or PUT with a body of another type: 415. */
  void check(HttpServletRequest req) {
    String type = ApiServlet.mediaType(req);
    switch (this) {
      case NONE -> {}
      case JSON, LARGE_JSON -> {
        if (type != null && !type.equals(ApiServlet.JSON)) {
          throw ApiServlet.unsupportedMediaType(req, ApiServlet.JSON);
        }
      }
      case MULTIPART -> {
        if (!isMultipart(req)) {
          throw ApiServlet.unsupportedMediaType(req, "multipart/form-data");
        }
      }
      case PNG_OR_MULTIPART -> {
        if (!isMultipart(req) && !"image/png".equals(type)) {
          throw ApiServlet.unsupportedMediaType(req, "image/png or multipart/form-data");
        }
      }
    }
  }

  static boolean isMultipart(HttpServletRequest req) {
    return "multipart/form-data".equals(ApiServlet.mediaType(req));
  }
}
