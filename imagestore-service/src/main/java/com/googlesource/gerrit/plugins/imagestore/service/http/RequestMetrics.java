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

import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Counts every request by method, resource and status, with its latency and bytes. */
final class RequestMetrics extends Handler.Wrapper {
  /** The first path segments the API has; anything else counts as "other" (bounded labels). */
  private static final Set<String> RESOURCES =
      Set.of(
          "images",
          "diff",
          "references",
          "runtimes",
          "orphans",
          "trash",
          "audit",
          "settings",
          "health",
          "metrics",
          "admin");

  private final ServiceMetrics metrics;

  RequestMetrics(Handler handler, ServiceMetrics metrics) {
    super(handler);
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = System.nanoTime();
    String method = request.getMethod();
    String resource = resourceOf(request.getHttpURI().getPath());
    long in = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    Callback measured =
        Callback.from(
            callback,
            () -> {
              metrics.request(
                  method, resource, response.getStatus(), (System.nanoTime() - start) / 1e9);
              metrics.bytes(resource, in, Response.getContentBytesWritten(response));
            });
    return super.handle(request, response, measured);
  }

  static String resourceOf(String path) {
    if (path == null || path.length() < 2) {
      return "root";
    }
    int end = path.indexOf('/', 1);
    String first = end < 0 ? path.substring(1) : path.substring(1, end);
    return RESOURCES.contains(first) ? first : "other";
  }
}
