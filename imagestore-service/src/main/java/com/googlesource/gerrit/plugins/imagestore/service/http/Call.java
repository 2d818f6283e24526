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
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.User;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/** One request to a route: the servlet request and response, its path parameters and caller. */
final class Call {
  private static final Pattern RUNTIME_ID = Pattern.compile("^[0-9a-f]{16}$");

  private final HttpServletRequest req;
  private final HttpServletResponse resp;
  private final Map<String, String> pathParameters;
  private final long maxJsonBytes;
  private User caller;

  Call(
      HttpServletRequest req,
      HttpServletResponse resp,
      Map<String, String> pathParameters,
      long maxJsonBytes) {
    this.req = req;
    this.resp = resp;
    this.pathParameters = pathParameters;
    this.maxJsonBytes = maxJsonBytes;
  }

  /**
   * Refuses malformed path parameters (400) before the caller's access is checked: {@code uuid},
   * {@code uuidA} and {@code uuidB} are image ids, {@code id} a runtime id, {@code file} any name.
   */
  static void checkPathParameters(Map<String, String> parameters) {
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      switch (p.getKey()) {
        case "uuid", "uuidA", "uuidB" -> ApiServlet.imageId(p.getValue());
        case "id" -> runtimeId(p.getValue());
        case "file" -> {} // the admin page's file: its endpoint knows its few names
        default -> throw new IllegalStateException("unknown path parameter " + p.getKey());
      }
    }
  }

  static String runtimeId(String text) {
    if (!RUNTIME_ID.matcher(text).matches()) {
      throw RequestException.badRequest(
          "bad_runtime_id", "a runtime id is 16 lowercase hex digits");
    }
    return text;
  }

  HttpServletRequest req() {
    return req;
  }

  HttpServletResponse resp() {
    return resp;
  }

  /** The image id in the path parameter {@code name}. */
  ImageId imageId(String name) {
    return ApiServlet.imageId(pathParameters.get(name));
  }

  /** The runtime id of the path ({@code /runtimes/{id}}). */
  String runtimeId() {
    return runtimeId(pathParameters.get("id"));
  }

  /** A query parameter, null when absent. */
  String query(String name) {
    return req.getParameter(name);
  }

  void setCaller(User caller) {
    this.caller = caller;
  }

  /** The caller the route's {@link Access} named. */
  User caller() {
    if (caller == null) {
      throw new IllegalStateException("the route's access names no caller");
    }
    return caller;
  }

  /** The caller as the audit log names it: account and address. */
  Actor actor() {
    return new Actor(caller().name(), req.getRemoteAddr(), caller().stamp());
  }

  /** {@code ?import=true}: store under any id (admins); 400 for other values than true or false. */
  boolean importing() {
    String value = req.getParameter("import");
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw RequestException.badRequest("bad_import", "import must be true or false");
  }

  /**
   * Reads the request body as JSON of type {@code type}; 400 when absent or malformed, 415 without
   * {@code Content-Type: application/json}, 413 past the route's limit.
   */
  <T> T readJson(Class<T> type) throws IOException {
    if (!ApiServlet.JSON.equals(ApiServlet.mediaType(req))) {
      throw ApiServlet.unsupportedMediaType(req, ApiServlet.JSON);
    }
    long max = maxJsonBytes;
    if (req.getContentLengthLong() > max) {
      throw RequestException.tooLarge("the request body is larger than " + max + " bytes");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (InputStream in = req.getInputStream()) {
      byte[] chunk = new byte[16 * 1024];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (buf.size() + n > max) {
          throw RequestException.tooLarge("the request body is larger than " + max + " bytes");
        }
        buf.write(chunk, 0, n);
      }
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw RequestException.badRequest("bad_json", "the request body is empty");
    }
    T value = RequestJson.gson().fromJson(text, type);
    if (value == null) {
      throw RequestException.badRequest("bad_json", "the request body must be a JSON object");
    }
    return value;
  }

  /**
   * The request body as it arrives (chunked or not), to be read as JSON; 415 without {@code
   * Content-Type: application/json}, 413 once it passes the route's limit.
   */
  InputStream jsonBody() throws IOException {
    if (!ApiServlet.JSON.equals(ApiServlet.mediaType(req))) {
      throw ApiServlet.unsupportedMediaType(req, ApiServlet.JSON);
    }
    if (req.getContentLengthLong() > maxJsonBytes) {
      throw RequestException.tooLarge("the request body is larger than " + maxJsonBytes + " bytes");
    }
    return new LimitedInputStream(req.getInputStream(), maxJsonBytes);
  }

  /** Refuses (413) a body that grows past {@code max} bytes, however it is sent. */
  private static final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private long read;

    LimitedInputStream(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? -1 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(n);
      return n;
    }

    private void count(int n) {
      if (n > 0 && (read += n) > max) {
        throw RequestException.tooLarge("the request body is larger than " + max + " bytes");
      }
    }
  }

  /** Like {@link #readJson}, but an empty body gives {@code empty}. */
  <T> T readJsonOr(Class<T> type, T empty) throws IOException {
    return req.getContentLengthLong() == 0 ? empty : readJson(type);
  }

  void sendJson(int status, Object body) throws IOException {
    ApiServlet.sendJson(resp, status, body);
  }

  void noStore() {
    resp.setHeader("Cache-Control", "no-store");
  }
}
