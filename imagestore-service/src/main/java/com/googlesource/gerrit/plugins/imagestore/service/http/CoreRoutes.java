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
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers in Jetty's core, before the servlet layer, the {@link Routes} whose endpoint can ({@link
 * CoreEndpoint}): the image download. What such an endpoint leaves falls through to {@link
 * ApiServlet}, which finds the same route in the same table.
 */
final class CoreRoutes extends Handler.Wrapper {
  /** An endpoint that may answer a GET without the servlet layer. */
  interface CoreEndpoint {
    /** Answers the request, or returns false to leave it to the servlet. */
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
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (HttpMethod.GET.is(request.getMethod())) {
      var match = routes.find("GET", Request.getPathInContext(request));
      if (match.isPresent()
          && match.get().route().endpoint() instanceof CoreEndpoint core
          && core.handleInCore(request, response, callback, match.get().pathParameters())) {
        return true;
      }
    }
    return super.handle(request, response, callback);
  }
}
