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

import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A NUL character anywhere in a request's text (a query parameter, a JSON body, upload metadata) is
 * a 400 that stores nothing, on both databases: PostgreSQL's text cannot hold one, and it reached
 * the database as a 500 before (GET /orphans?spec=, upload metadata).
 */
class NulCharacterTest extends ReferenceApiTestBase {
  private static final String NUL_JSON = "a\\u0000b";

  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void nulCharactersAreRefusedAndStoreNothing(String database) throws Exception {
    start(database);
    byte[] png = TestPngs.png(3);
    String id = ImageId.forContent(png).value();
    String reference =
        "{\"project\":\"p\",\"branch\":\"refs/heads/master\",\"commit\":\""
            + COMMIT
            + "\",\"path\":\""
            + NUL_JSON
            + "\",\"uuid\":\""
            + id
            + "\"}";
    Multipart form = new Multipart().image(png).json(Multipart.uiveri5Meta(NUL_JSON));
    Map<String, HttpRequest> requests = new LinkedHashMap<>();
    for (String query :
        new String[] {
          "/images?spec=a%00b",
          "/orphans?spec=a%00b",
          "/orphans?platform=x%00",
          "/references?project=a%00b",
          "/references/digest?project=p&branch=%00",
          "/trash?spec=a%00b",
          "/audit?actor=a%00b"
        }) {
      requests.put("GET " + query, service.request(query, ADMIN).GET().build());
    }
    requests.put(
        "POST /images, metadata",
        service
            .request("/images", UPLOADER)
            .header("Content-Type", form.contentType())
            .POST(BodyPublishers.ofByteArray(form.build()))
            .build());
    requests.put(
        "PUT /images/{uuid}, metadata header",
        service
            .request("/images/" + id, UPLOADER)
            .header("Content-Type", "image/png")
            .header("X-Imagestore-Meta", Multipart.uiveri5Meta(NUL_JSON))
            .PUT(BodyPublishers.ofByteArray(png))
            .build());
    requests.put(
        "POST /references", json("POST", "/references", "{\"references\":[" + reference + "]}"));
    requests.put(
        "PUT /references",
        json("PUT", "/references", "{\"project\":\"p\",\"references\":[" + reference + "]}"));
    requests.put(
        "PUT /references/import",
        json("PUT", "/references/import?project=p", "[" + reference + "]"));
    requests.put(
        "POST /runtimes",
        HttpRequest.newBuilder(service.url("/runtimes"))
            .header("Authorization", TestService.basic(ADMIN, TestService.PASSWORD))
            .header("Content-Type", "application/json")
            .POST(
                BodyPublishers.ofString(
                    "{\"platform\":\"linux\",\"resolution\":\"1x1\",\"browser\":\"chrome\","
                        + "\"theme\":\"t\",\"direction\":\"ltr\",\"mode\":\"default\","
                        + "\"description\":\""
                        + NUL_JSON
                        + "\"}"))
            .build());

    for (Map.Entry<String, HttpRequest> r : requests.entrySet()) {
      HttpResponse<String> answer = service.sendForString(r.getValue());
      assertWithMessage("%s: %s", r.getKey(), answer.body())
          .that(answer.statusCode())
          .isEqualTo(400);
      assertWithMessage(r.getKey()).that(answer.body()).contains("NUL character");
    }
    for (String table : new String[] {"images", "blobs", "image_references", "runtimes"}) {
      assertWithMessage(table).that(service.count(table)).isEqualTo(0);
    }
  }

  private HttpRequest json(String method, String path, String body) {
    return service
        .request(path, INDEXER)
        .header("Content-Type", "application/json")
        .method(method, BodyPublishers.ofString(body))
        .build();
  }
}
