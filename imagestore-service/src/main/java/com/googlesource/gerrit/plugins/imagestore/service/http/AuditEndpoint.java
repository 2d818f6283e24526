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
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditEntry;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /audit}: who trashed, restored, purged and imported which image, newest first; admins
 * only. Paged by {@code ?limit=} and {@code ?before=<id>} (a full page links the next); {@code
 * ?uuid=} keeps one image's entries.
 */
final class AuditEndpoint implements Route.Endpoint {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final AuditLog audit;

  AuditEndpoint(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public void handle(Call call) throws IOException {
    HttpServletRequest req = call.req();
    HttpServletResponse resp = call.resp();
    int limit = number(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, "bad_limit").intValue();
    Long before =
        req.getParameter("before") == null
            ? null
            : number(req, "before", 0, 1, Long.MAX_VALUE, "bad_before");
    String uuid = req.getParameter("uuid");
    if (uuid != null) {
      uuid = ApiServlet.imageId(uuid).value();
    }
    List<AuditEntry> page = audit.list(before, uuid, limit);
    if (page.size() == limit) {
      String next =
          "/audit?limit="
              + limit
              + "&before="
              + page.get(page.size() - 1).id()
              + (uuid == null ? "" : "&uuid=" + ImageId.of(uuid).value());
      resp.setHeader("Link", "<" + next + ">; rel=\"next\"");
    }
    resp.setHeader("Cache-Control", "no-store");
    call.sendJson(200, page.stream().map(WireTypes::auditEntryInfo).toList());
  }

  private static Long number(
      HttpServletRequest req, String name, long fallback, long min, long max, String code) {
    String text = req.getParameter(name);
    if (text == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw RequestException.badRequest(code, name + " must be a number from " + min + " to " + max);
  }
}
