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

import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers in Jetty's core, before the servlet layer, the {@link Routes} whose endpoint can ({@link
 * CoreEndpoint}): the image download. What such an endpoint leaves falls through to {@link
 * ApiServlet}, which finds the same route in the same table.
 *
 * <p>This handler tells Jetty it never blocks, so Jetty calls it in the thread that read the
 * request (the selector's): an endpoint may answer there from memory ({@link
 * CoreEndpoint#answerFromMemory}), which spares the hand-over to a pool thread, its wake-ups and
 * the selector's re-registration of the connection (measured: about half the service's CPU per
 * cached download). Everything else, which may wait for the database, the disk, a bucket or a
 * request body, is handed to Jetty's thread pool before anything of it runs.
 */
final class CoreRoutes extends Handler.Wrapper {
  /** An endpoint that may answer a GET without the servlet layer. */
  interface CoreEndpoint {
    /**
     * Answers the request from what the process holds in memory, or returns false; must not block
     * (no database, disk or network): it runs in Jetty's selector thread.
     */
    boolean answerFromMemory(
        Request request, Response response, Callback callback, Map<String, String> pathParameters);

    /** Answers the request, or returns false to leave it to the servlet; in a pool thread. */
    boolean handleInCore(
        Request request, Response response, Callback callback, Map<String, String> pathParameters)
        throws Exception;
  }

  private final Routes routes;

  CoreRoutes(Handler servlets, Routes routes) {
    super(servlets);
    this.routes = routes;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING; // see the class comment: what may block is handed over
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Routes.Match match = null;
    if (HttpMethod.GET.is(request.getMethod())) {
      match = routes.find("GET", Request.getPathInContext(request)).orElse(null);
      if (match != null
          && match.route().endpoint() instanceof CoreEndpoint core
          && core.answerFromMemory(request, response, callback, match.pathParameters())) {
        return true;
      }
    }
    Routes.Match found = match;
    try {
      getServer().getThreadPool().execute(() -> handleBlocking(found, request, response, callback));
    } catch (RejectedExecutionException e) {
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
    }
    return true;
  }

  /** What Jetty would do with a blocking handler, in a pool thread: it, then 404 or the error. */
  private void handleBlocking(
      Routes.Match match, Request request, Response response, Callback callback) {
    try {
      if (match != null
          && match.route().endpoint() instanceof CoreEndpoint core
          && core.handleInCore(request, response, callback, match.pathParameters())) {
        return;
      }
      if (!super.handle(request, response, callback)) {
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      }
    } catch (Throwable e) {
      Response.writeError(request, response, callback, e);
    }
  }
}
