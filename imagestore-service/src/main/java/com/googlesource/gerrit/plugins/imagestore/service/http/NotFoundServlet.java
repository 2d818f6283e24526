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

import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** Everything no other servlet serves: a short index at the root, a JSON 404 elsewhere. */
final class NotFoundServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if ("/".equals(req.getRequestURI())) {
      sendJson(
          resp,
          200,
          Map.of(
              "service",
              "imagestore",
              "endpoints",
              new String[] {
                "/images",
                "/runtimes",
                "/orphans",
                "/references",
                "/trash",
                "/audit",
                "/settings",
                "/admin/",
                "/health"
              }));
      return;
    }
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }

  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) {
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) {
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }
}
