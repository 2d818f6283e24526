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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;

import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtimes: ids derived from the six dimensions, CRUD over HTTP. */
class RuntimesApiTest {
  @TempDir static Path dir;
  static TestService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static String runtime(String browser, String description) {
    return "{\"platform\":\"linux\",\"resolution\":\"1600x1200\",\"browser\":\""
        + browser
        + "\",\"theme\":\"sap_horizon\",\"direction\":\"rtl\",\"mode\":\"default\""
        + (description == null ? "" : ",\"description\":\"" + description + "\"")
        + "}";
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return service.sendForString(
        service
            .request(path, ADMIN)
            .header("Content-Type", "application/json")
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
            .build());
  }

  @Test
  void createIsIdempotentAndTheIdIsStable() throws Exception {
    HttpResponse<String> created = send("POST", "/runtimes", runtime("chrome", null));
    assertThat(created.statusCode()).isEqualTo(201);
    RuntimeInfo r = Json.gson().fromJson(created.body(), RuntimeInfo.class);
    assertThat(r.id).matches("[0-9a-f]{16}");
    assertThat(created.headers().firstValue("Location")).hasValue("/runtimes/" + r.id);

    HttpResponse<String> again = send("POST", "/runtimes", runtime("chrome", null));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Json.gson().fromJson(again.body(), RuntimeInfo.class).id).isEqualTo(r.id);

    // Another dimension, another id.
    RuntimeInfo firefox =
        Json.gson()
            .fromJson(
                send("POST", "/runtimes", runtime("firefox", null)).body(), RuntimeInfo.class);
    assertThat(firefox.id).isNotEqualTo(r.id);

    HttpResponse<String> one =
        service.sendForString(service.request("/runtimes/" + r.id, null).build());
    assertThat(one.statusCode()).isEqualTo(200);
    RuntimeInfo read = Json.gson().fromJson(one.body(), RuntimeInfo.class);
    assertThat(read.browser).isEqualTo("chrome");
    assertThat(read.theme).isEqualTo("sap_horizon");
    assertThat(read.direction).isEqualTo("rtl");

    List<RuntimeInfo> all =
        Json.gson()
            .fromJson(
                service.sendForString(service.request("/runtimes", null).build()).body(),
                new TypeToken<List<RuntimeInfo>>() {}.getType());
    assertThat(all.stream().map(x -> x.id).toList()).containsAtLeast(r.id, firefox.id);
  }

  @Test
  void putUpdatesTheDescriptionAndDeleteRemoves() throws Exception {
    RuntimeInfo r =
        Json.gson()
            .fromJson(send("POST", "/runtimes", runtime("edge", null)).body(), RuntimeInfo.class);
    HttpResponse<String> updated =
        send("PUT", "/runtimes/" + r.id, runtime("edge", "nightly edge run"));
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(Json.gson().fromJson(updated.body(), RuntimeInfo.class).description)
        .isEqualTo("nightly edge run");

    // PUT to an id the dimensions do not derive to is refused.
    HttpResponse<String> mismatch =
        send("PUT", "/runtimes/" + "0".repeat(16), runtime("edge", null));
    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(mismatch.body()).contains("runtime_id_mismatch");

    assertThat(send("DELETE", "/runtimes/" + r.id, null).statusCode()).isEqualTo(204);
    assertThat(
            service.sendForString(service.request("/runtimes/" + r.id, null).build()).statusCode())
        .isEqualTo(404);
    assertThat(send("DELETE", "/runtimes/" + r.id, null).statusCode()).isEqualTo(404);
  }
}
