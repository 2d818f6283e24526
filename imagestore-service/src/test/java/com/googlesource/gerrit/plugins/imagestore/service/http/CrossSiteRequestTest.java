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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.Snapshot;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, CSRF: another site's page cannot make a logged-in browser write. Writes take their real
 * content type only (415), a cross-site {@code Origin} or {@code Sec-Fetch-Site} is refused (403),
 * and no browser is ever asked for Basic credentials it could cache.
 */
class CrossSiteRequestTest {
  private static final String EVIL = "https://evil.example";

  @TempDir static Path dir;
  static TestService service;
  static String trashed;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(dir);
    trashed = service.upload(TestPngs.png(7)).value();
    assertThat(send("DELETE", "/images/" + trashed, ADMIN, null, null, Map.of()).statusCode())
        .isEqualTo(204);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static String purgeAll() {
    return "{\"all\":true}";
  }

  @Test
  void aFormCannotPurgeTheTrash() throws Exception {
    Snapshot before = service.snapshot();
    for (String type :
        List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x")) {
      assertError(
          send("POST", "/trash/purge", ADMIN, type, purgeAll(), Map.of()),
          415,
          "unsupported_media_type");
      // A form without fields has an empty body, which alone would purge what is due.
      assertError(
          send("POST", "/trash/purge", ADMIN, type, "", Map.of()), 415, "unsupported_media_type");
    }
    assertError(
        send("POST", "/trash/purge", ADMIN, null, purgeAll(), Map.of()),
        415,
        "unsupported_media_type");
    assertError(
        send("POST", "/trash/" + trashed + "/restore", ADMIN, "text/plain", "", Map.of()),
        415,
        "unsupported_media_type");
    assertError(
        send("PUT", "/references", ADMIN, "text/plain", "{\"project\":\"p\"}", Map.of()),
        415,
        "unsupported_media_type");
    assertThat(service.snapshot()).isEqualTo(before);
  }

  @Test
  void writesFromAnotherOriginAreRefused() throws Exception {
    Snapshot before = service.snapshot();
    Map<String, String> crossSite = Map.of("Sec-Fetch-Site", "cross-site");
    for (Map<String, String> headers :
        List.of(
            Map.of("Origin", EVIL),
            Map.of("Origin", "null"),
            Map.of("Origin", "http://127.0.0.1.evil.example:" + service.port()),
            Map.of("Origin", "http://127.0.0.1:" + (service.port() + 1)),
            crossSite,
            Map.of("Sec-Fetch-Site", "same-site"))) {
      String label = headers.toString();
      assertError(
          label,
          send("POST", "/trash/purge", ADMIN, "application/json", purgeAll(), headers),
          403,
          "cross_origin");
      assertError(
          label,
          send("DELETE", "/trash/" + trashed, ADMIN, null, null, headers),
          403,
          "cross_origin");
      // Refused before the credentials are even looked at.
      assertError(
          label,
          send("POST", "/orphans", null, "application/json", "{}", headers),
          403,
          "cross_origin");
      Multipart form = new Multipart().image(TestPngs.png(8));
      assertError(
          label,
          send("POST", "/images", UPLOADER, form.contentType(), form.build(), headers),
          403,
          "cross_origin");
    }
    assertThat(service.snapshot()).isEqualTo(before);
  }

  @Test
  void writesFromTheServicesOwnPagesAreAccepted() throws Exception {
    String own = "http://127.0.0.1:" + service.port();
    for (Map<String, String> headers :
        List.of(
            Map.of("Origin", own, "Sec-Fetch-Site", "same-origin"),
            // Behind a proxy that kept the host it was asked for in X-Forwarded-Host.
            Map.of(
                "Origin", "https://images.example.com", "X-Forwarded-Host", "images.example.com"),
            Map.of("Sec-Fetch-Site", "none"))) {
      HttpResponse<String> r =
          send(
              "POST",
              "/trash/purge",
              ADMIN,
              "application/json; charset=utf-8",
              "{\"dryRun\":true}",
              headers);
      assertWithMessage("%s: %s", headers, r.body()).that(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void uploadsTakeTheirRealTypesOnly() throws Exception {
    byte[] png = TestPngs.png(9);
    String id = ImageId.forContent(png).value();
    for (String type : List.of("application/octet-stream", "text/plain", "image/jpeg")) {
      assertError(
          send("PUT", "/images/" + id, UPLOADER, type, png, Map.of()),
          415,
          "unsupported_media_type");
    }
    assertError(
        send("PUT", "/images/" + id, UPLOADER, null, png, Map.of()), 415, "unsupported_media_type");
    assertThat(send("GET", "/images/" + id, null, null, null, Map.of()).statusCode())
        .isEqualTo(404);
    assertThat(send("PUT", "/images/" + id, UPLOADER, "image/png", png, Map.of()).statusCode())
        .isEqualTo(201);
  }

  @Test
  void browsersAreNeverAskedForBasicCredentials() throws Exception {
    Map<String, String> navigation =
        Map.of(
            "Sec-Fetch-Mode", "navigate",
            "Sec-Fetch-Dest", "document",
            "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    Map<String, String> oldBrowserNavigation = Map.of("Accept", "text/html,*/*;q=0.8");
    Map<String, String> script = Map.of("X-Requested-With", "imagestore-admin");
    for (Map<String, String> headers : List.of(navigation, oldBrowserNavigation, script)) {
      for (String[] m :
          List.of(
              new String[] {"GET", "/trash"},
              new String[] {"GET", "/audit"},
              new String[] {"GET", "/settings"},
              new String[] {"DELETE", "/trash/" + trashed})) {
        HttpResponse<String> r = send(m[0], m[1], null, null, null, headers);
        assertError(headers + " " + m[0] + " " + m[1], r, 401, "unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
      }
      // A form posting to a write, same origin (a cross-site one is refused before).
      HttpResponse<String> r =
          send(
              "POST",
              "/orphans",
              null,
              null,
              null,
              Map.of("Origin", "http://127.0.0.1:" + service.port(), "Sec-Fetch-Mode", "navigate"));
      assertError(r, 401, "unauthorized");
      assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }
    // Programs (curl, the client library) still get the challenge.
    HttpResponse<String> r = send("GET", "/trash", null, null, null, Map.of());
    assertError(r, 401, "unauthorized");
    assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
  }

  static void assertError(HttpResponse<String> r, int status, String error) {
    assertError("", r, status, error);
  }

  static void assertError(String label, HttpResponse<String> r, int status, String error) {
    assertWithMessage("%s: %s", label, r.body()).that(r.statusCode()).isEqualTo(status);
    assertWithMessage("%s: %s", label, r.body())
        .that(JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString())
        .isEqualTo(error);
  }

  static HttpResponse<String> send(
      String method,
      String path,
      String user,
      String contentType,
      Object body,
      Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = service.request(path, user);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    byte[] bytes = body instanceof String s ? s.getBytes(UTF_8) : (byte[]) body;
    b.method(method, bytes == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(bytes));
    return service.sendForString(b.build());
  }
}
