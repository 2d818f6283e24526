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

import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService.Saved;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/** {@code /runtimes}: list and read for everybody; create, update and delete for admins. */
final class RuntimesServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;
  private static final Pattern ID = Pattern.compile("^[0-9a-f]{16}$");

  RuntimesServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length == 0) {
      sendJson(resp, 200, store.runtimes().list());
    } else if (path.length == 1) {
      String id = runtimeId(path[0]);
      sendJson(
          resp,
          200,
          store
              .runtimes()
              .get(id)
              .orElseThrow(() -> RequestException.notFound("no runtime " + id)));
    } else {
      throw noSuchResource(req);
    }
  }

  /** Creates a runtime; 201 with its id, or 200 when it exists already. */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (segments(req).length != 0) {
      throw notAllowed(req);
    }
    auth.require(req, Role.ADMIN);
    Saved saved = store.runtimes().save(readJson(req, RuntimeInfo.class));
    if (saved.created()) {
      resp.setHeader("Location", "/runtimes/" + saved.runtime().id);
    }
    sendJson(resp, saved.created() ? 201 : 200, saved.runtime());
  }

  /** Creates or updates the runtime with this id; the body's dimensions must derive to it. */
  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String id = runtimeId(onlySegment(req));
    auth.require(req, Role.ADMIN);
    RuntimeInfo in = readJson(req, RuntimeInfo.class);
    if (in.id == null) {
      in.id = id;
    } else if (!in.id.equals(id)) {
      throw RequestException.badRequest(
          "runtime_id_mismatch", "the body's id " + in.id + " differs from the path's " + id);
    }
    Saved saved = store.runtimes().save(in);
    sendJson(resp, saved.created() ? 201 : 200, saved.runtime());
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String id = runtimeId(onlySegment(req));
    auth.require(req, Role.ADMIN);
    if (!store.runtimes().delete(id)) {
      throw RequestException.notFound("no runtime " + id);
    }
    resp.setStatus(204);
  }

  static String runtimeId(String segment) {
    if (!ID.matcher(segment).matches()) {
      throw RequestException.badRequest(
          "bad_runtime_id", "a runtime id is 16 lowercase hex digits");
    }
    return segment;
  }
}
