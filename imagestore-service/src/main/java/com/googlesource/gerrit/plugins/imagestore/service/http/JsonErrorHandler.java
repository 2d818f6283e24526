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

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.ErrorInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (a malformed URI, say) get the same JSON body as ours. A server error
 * (5xx) never carries its message, which may be an exception's text: it names an incident that the
 * log has, as {@link ApiServlet}'s do.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** Jetty writes a body only for GET, POST and HEAD by default; a PUT deserves one too. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    ErrorInfo e = new ErrorInfo();
    e.status = code;
    e.error = code >= 500 ? "internal_error" : "bad_request";
    if (code >= 500) {
      String incident = UUID.randomUUID().toString();
      logger.atSevere().withCause(cause).log(
          "incident %s: %s %s answered %d: %s",
          incident, request.getMethod(), request.getHttpURI().getPath(), code, message);
      e.message = ApiServlet.internalErrorMessage(incident);
    } else {
      e.message = message == null ? HttpStatus.getMessage(code) : message;
    }
    response.getHeaders().put(SecurityHeaders.NOSNIFF);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    response.write(
        true, ByteBuffer.wrap(Json.gson().toJson(e).getBytes(StandardCharsets.UTF_8)), callback);
  }
}
