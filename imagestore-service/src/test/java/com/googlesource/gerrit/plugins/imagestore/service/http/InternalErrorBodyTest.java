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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.ErrorInfo;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A forced internal error, in our servlets and in Jetty's own handling: the answer is a JSON 500
 * naming an incident, never the exception's text.
 */
class InternalErrorBodyTest {
  private static final String SECRET = "java.lang.OutOfMemoryError: Java heap space, secret=s3cr3t";

  private static Server server;
  private static URI base;

  /** One of ours, failing with an Error (not an Exception) or a RuntimeException. */
  private static ApiServlet failing() {
    Route.Endpoint error =
        call -> {
          throw new OutOfMemoryError(SECRET);
        };
    Route.Endpoint exception =
        call -> {
          throw new IllegalStateException(SECRET);
        };
    Routes routes =
        new Routes()
            .resource("/ours", "GET")
            .add("GET", "/ours/error", Access.ANYONE, Body.NONE, error)
            .add("GET", "/ours/exception", Access.ANYONE, Body.NONE, exception);
    return new ApiServlet(routes, null, 0);
  }

  /** A servlet of no JSON kind (the OpenAPI document's): what it throws reaches Jetty. */
  private static final class Plain extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      throw new OutOfMemoryError(SECRET);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(failing()), "/ours/*");
    context.addServlet(new ServletHolder(new Plain()), "/plain/*");
    server.setHandler(context);
    server.setErrorHandler(new JsonErrorHandler());
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ours/error", "/ours/exception", "/plain/error"})
  void answersAnIncidentIdAndNoExceptionText(String path) throws Exception {
    HttpResponse<String> r;
    try (HttpClient client = HttpClient.newHttpClient()) {
      r =
          client.send(
              HttpRequest.newBuilder(base.resolve(path)).build(),
              HttpResponse.BodyHandlers.ofString());
    }
    assertWithMessage(r.body()).that(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("s3cr3t");
    assertThat(r.body()).doesNotContain("OutOfMemoryError");
    assertThat(r.body()).doesNotContain("java.");
    ErrorInfo e = Json.gson().fromJson(r.body(), ErrorInfo.class);
    assertThat(e.error).isEqualTo("internal_error");
    assertThat(e.message).matches("internal error, incident [0-9a-f-]{36}");
  }
}
