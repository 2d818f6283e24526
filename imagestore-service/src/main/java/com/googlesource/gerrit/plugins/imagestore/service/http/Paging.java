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
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keyset paging over image ids: {@code ?limit=N&after=<uuid>}. A full page carries a {@code Link:
 * <…>; rel="next"} header pointing at the next one.
 */
record Paging(int limit, String after) {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;

  static Paging of(HttpServletRequest req) {
    int limit = DEFAULT_LIMIT;
    String l = req.getParameter("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw RequestException.badRequest(
            "bad_limit", "limit must be a number from 1 to " + MAX_LIMIT);
      }
    }
    String after = req.getParameter("after");
    if (after != null && !ImageId.isValid(after)) {
      throw RequestException.badRequest("bad_uuid", "after must be an image id");
    }
    return new Paging(limit, after);
  }

  /** Sets the next-page link when {@code page} is full. */
  void linkNext(HttpServletRequest req, HttpServletResponse resp, List<String> page) {
    if (page.size() < limit) {
      return;
    }
    StringBuilder next = new StringBuilder(req.getRequestURI()).append("?limit=").append(limit);
    for (String filter : List.of("minAge", "runtime", "spec")) {
      String value = req.getParameter(filter);
      if (value != null) {
        next.append('&')
            .append(filter)
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    next.append("&after=").append(page.get(page.size() - 1));
    resp.setHeader("Link", "<" + next + ">; rel=\"next\"");
  }
}
