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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;

import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document against the real server: it is valid OpenAPI 3, every route the server has
 * is documented, and every documented operation, called with the document's examples, answers with
 * a status (and content type) the document lists.
 */
class OpenApiTest {
  @TempDir Path dir;
  TestService service;
  OpenAPI api;

  @BeforeEach
  void start() throws Exception {
    service = TestService.start(dir);
    HttpResponse<String> doc =
        service.sendForString(service.request("/openapi.yaml", null).build());
    assertThat(doc.statusCode()).isEqualTo(200);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(doc.body(), null, options);
    assertWithMessage("OpenAPI validation").that(parsed.getMessages()).isEmpty();
    api = parsed.getOpenAPI();
  }

  @AfterEach
  void stop() throws Exception {
    service.close();
  }

  @Test
  void everyRouteOfTheServerIsDocumented() {
    for (String route : service.server().routes()) {
      if (route.equals("/")) {
        continue; // the JSON 404 for everything else
      }
      String prefix = route.endsWith("/*") ? route.substring(0, route.length() - 2) : route;
      assertWithMessage("route %s in the OpenAPI document", route)
          .that(api.getPaths().keySet().stream().anyMatch(p -> p.startsWith(prefix)))
          .isTrue();
    }
  }

  @Test
  void everyDocumentedOperationAnswersAsDocumented() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> op :
          path.getValue().readOperationsMap().entrySet()) {
        List<Parameter> params = new ArrayList<>();
        if (path.getValue().getParameters() != null) {
          params.addAll(path.getValue().getParameters());
        }
        if (op.getValue().getParameters() != null) {
          params.addAll(op.getValue().getParameters());
        }
        String url = url(path.getKey(), params);
        boolean secured =
            op.getValue().getSecurity() != null && !op.getValue().getSecurity().isEmpty();
        HttpRequest.Builder request = service.request(url, secured ? ADMIN : null);
        String method = op.getKey().name();
        if (op.getValue().getRequestBody() != null) {
          var content = op.getValue().getRequestBody().getContent();
          if (content.containsKey("multipart/form-data")) {
            Multipart form = new Multipart().image(TestPngs.png(3));
            request.header("Content-Type", form.contentType());
            request.method(method, BodyPublishers.ofByteArray(form.build()));
          } else if (content.containsKey("image/png")) {
            request.header("Content-Type", "image/png");
            request.method(method, BodyPublishers.ofByteArray(TestPngs.png(4)));
          } else {
            request.header("Content-Type", "application/json");
            request.method(method, BodyPublishers.ofString("{}"));
          }
        } else {
          request.method(method, BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = service.send(request.build());
        String status = Integer.toString(r.statusCode());
        Map<String, ApiResponse> documented = op.getValue().getResponses();
        assertWithMessage(
                "%s %s answered %s, documented: %s", method, url, status, documented.keySet())
            .that(documented)
            .containsKey(status);
        var content = documented.get(status).getContent();
        if (content != null && !content.isEmpty() && r.body().length > 0) {
          String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
          assertWithMessage("%s %s content type", method, url)
              .that(content.keySet())
              .contains(type);
        }
        checked.add(method + " " + path.getKey() + " " + status);
      }
    }
    // The calls reached the real handlers (not the JSON 404 for unknown routes).
    assertThat(checked)
        .containsAtLeast(
            "POST /images 201",
            "PUT /images/{uuid} 201",
            "DELETE /images/{uuid} 204",
            "GET /references/digest 200",
            "GET /health/live 200",
            "GET /metrics 200");
  }

  /** The path with its parameters' examples, and the required query parameters. */
  private static String url(String template, List<Parameter> params) {
    String path = template;
    StringBuilder query = new StringBuilder();
    for (Parameter p : params) {
      Object example = p.getExample() != null ? p.getExample() : p.getSchema().getExample();
      if (p.getIn().equals("path")) {
        path = path.replace("{" + p.getName() + "}", String.valueOf(example));
      } else if (p.getIn().equals("query") && Boolean.TRUE.equals(p.getRequired())) {
        query.append(query.length() == 0 ? '?' : '&').append(p.getName()).append('=');
        query.append(URLEncoder.encode(String.valueOf(example), StandardCharsets.UTF_8));
      }
    }
    return path + query;
  }
}
