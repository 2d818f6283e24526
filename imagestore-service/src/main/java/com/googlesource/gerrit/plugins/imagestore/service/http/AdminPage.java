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
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /admin/}: the management page, three static files from the class path ({@code admin/}). It
 * logs in with the service's admin accounts and calls the REST API; the files themselves are
 * public. A strict Content-Security-Policy allows scripts, styles and calls from this origin only,
 * no inline code, no framing, no form submissions.
 */
final class AdminPage {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:;"
          + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

  /** The page's files by name below {@code /admin/}, with their types; nothing else is served. */
  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html;charset=utf-8",
          "admin.js", "text/javascript;charset=utf-8",
          "admin.css", "text/css;charset=utf-8");

  private final Map<String, byte[]> contents;

  AdminPage() {
    this.contents = FILES.keySet().stream().collect(Collectors.toMap(n -> n, AdminPage::load));
  }

  private static byte[] load(String name) {
    try (InputStream in = AdminPage.class.getResourceAsStream("/admin/" + name)) {
      if (in == null) {
        throw new IllegalStateException("admin/" + name + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code /admin}: relative links need the slash. */
  static void redirect(Call call) {
    call.resp().setHeader("Location", "/admin/");
    call.resp().setStatus(302);
  }

  void index(Call call) throws IOException {
    send(call.resp(), "index.html", contents.get("index.html"));
  }

  void file(Call call) throws IOException {
    HttpServletRequest req = call.req();
    String name = req.getRequestURI().substring("/admin/".length());
    byte[] body = contents.get(name);
    if (body == null) {
      throw RequestException.notFound("no resource at " + req.getRequestURI());
    }
    send(call.resp(), name, body);
  }

  private static void send(HttpServletResponse resp, String name, byte[] body) throws IOException {
    resp.setHeader("Content-Security-Policy", CSP);
    resp.setHeader("X-Frame-Options", "DENY");
    resp.setHeader("Referrer-Policy", "no-referrer");
    resp.setHeader("Cache-Control", "no-cache");
    resp.setStatus(200);
    resp.setContentType(FILES.get(name));
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }
}
