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

import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /references}, for the Gerrit plugin (role {@code indexer}): {@code POST} adds a batch,
 * {@code PUT} replaces the whole set of a project (or of one branch of it), {@code GET
 * ?project=P[&branch=B]} lists them and {@code GET digest?project=P[&branch=B]} fingerprints them.
 */
final class ReferencesServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;

  ReferencesServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  /** A full scan of a large project sends its whole set in one call. */
  @Override
  protected long maxJsonBytes() {
    return 256L * 1024 * 1024;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    auth.requireMetadataReader(req);
    String[] path = segments(req);
    boolean digest = path.length == 1 && path[0].equals("digest");
    if (path.length != 0 && !digest) {
      throw noSuchResource(req);
    }
    String project = req.getParameter("project");
    if (project == null) {
      throw RequestException.badRequest("missing_project", "give ?project=NAME");
    }
    String branch = req.getParameter("branch");
    sendJson(
        resp,
        200,
        digest
            ? store.references().digest(project, branch)
            : store.references().list(project, branch));
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    requireRoot(req);
    Actor actor = auth.actor(req, Role.INDEXER);
    ReferencesInput in = readJson(req, ReferencesInput.class);
    sendJson(resp, 200, store.references().add(in.references, actor));
  }

  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    requireRoot(req);
    Actor actor = auth.actor(req, Role.INDEXER);
    ReferencesInput in = readJson(req, ReferencesInput.class);
    sendJson(resp, 200, store.references().replace(in.project, in.branch, in.references, actor));
  }

  private static void requireRoot(HttpServletRequest req) {
    if (segments(req).length != 0) {
      throw noSuchResource(req);
    }
  }
}
