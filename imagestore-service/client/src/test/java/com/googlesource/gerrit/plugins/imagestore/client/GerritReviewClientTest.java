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

package com.googlesource.gerrit.plugins.imagestore.client;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wire format of the central review call, against a tiny HTTP server standing in for Gerrit: it
 * records the request and answers as Gerrit does.
 */
class GerritReviewClientTest {
  record Request(
      String method,
      String rawPath,
      String authorization,
      String contentType,
      String accept,
      String body) {}

  private HttpServer gerrit;
  private final AtomicReference<Request> received = new AtomicReference<>();
  private volatile int status = 200;
  private volatile String answer;

  @BeforeEach
  void start() throws IOException {
    gerrit = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    gerrit.createContext(
        "/",
        exchange -> {
          byte[] in = exchange.getRequestBody().readAllBytes();
          received.set(
              new Request(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestHeaders().getFirst("Accept"),
                  new String(in, UTF_8)));
          byte[] out = answer.getBytes(UTF_8);
          exchange
              .getResponseHeaders()
              .set(
                  "Content-Type",
                  status < 400 ? "application/json; charset=UTF-8" : "text/plain; charset=UTF-8");
          exchange.sendResponseHeaders(status, out.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
          }
        });
    gerrit.start();
  }

  @AfterEach
  void stop() {
    gerrit.stop(0);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + gerrit.getAddress().getPort() + "/r");
  }

  private static CentralReviewInput input() {
    CentralReviewInput in = new CentralReviewInput();
    in.branch = "master";
    in.test = "login";
    in.runtime = "linux/1600x1200/chrome/belize/ltr/desktop";
    Map<String, String> images = new LinkedHashMap<>();
    images.put(
        "test/visual/images/login/linux/1600x1200/chrome/belize/ltr/desktop/form.ref.lnk",
        "0123456789abcdef0123456789abcdef");
    in.images = images;
    in.responsible = "alice@example.com";
    return in;
  }

  @Test
  void postsTheInputAndReadsThePrefixedAnswer() throws Exception {
    answer =
        ")]}'\n"
            + "{\"_number\":42,\"change_id\":\"I0123456789abcdef0123456789abcdef01234567\","
            + "\"url\":\"http://gerrit/c/ui/tests/+/42\",\"created\":true,\"patch_set\":1,"
            + "\"unchanged\":false,\"reviewer\":\"alice@example.com\"}\n";
    CentralReviewInfo info;
    try (GerritReviewClient c = new GerritReviewClient(url(), "central-job", "http pass:wörd")) {
      info = c.createReview("ui/tests", input());
    }

    Request r = received.get();
    assertThat(r.method()).isEqualTo("POST");
    // Under /a/ (authenticated), the project name encoded as one path segment, under the base path.
    assertThat(r.rawPath()).isEqualTo("/r/a/projects/ui%2Ftests/imagestore~reviews");
    assertThat(r.authorization())
        .isEqualTo(
            "Basic "
                + Base64.getEncoder().encodeToString("central-job:http pass:wörd".getBytes(UTF_8)));
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.contentType()).contains("UTF-8");
    assertThat(r.accept()).isEqualTo("application/json");
    JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
    assertThat(body.keySet()).containsExactly("branch", "test", "runtime", "images", "responsible");
    assertThat(body.get("branch").getAsString()).isEqualTo("master");
    assertThat(body.get("test").getAsString()).isEqualTo("login");
    assertThat(body.get("runtime").getAsString())
        .isEqualTo("linux/1600x1200/chrome/belize/ltr/desktop");
    assertThat(body.getAsJsonObject("images").keySet())
        .containsExactly(
            "test/visual/images/login/linux/1600x1200/chrome/belize/ltr/desktop/form.ref.lnk");
    assertThat(
            body.getAsJsonObject("images")
                .get(
                    "test/visual/images/login/linux/1600x1200/chrome/belize/ltr/desktop/form.ref.lnk")
                .getAsString())
        .isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(body.get("responsible").getAsString()).isEqualTo("alice@example.com");

    assertThat(info.number).isEqualTo(42);
    assertThat(info.changeId).isEqualTo("I0123456789abcdef0123456789abcdef01234567");
    assertThat(info.url).isEqualTo("http://gerrit/c/ui/tests/+/42");
    assertThat(info.created).isTrue();
    assertThat(info.patchSet).isEqualTo(1);
    assertThat(info.unchanged).isFalse();
    assertThat(info.reviewer).isEqualTo("alice@example.com");
    assertThat(info.reviewerError).isNull();
  }

  @Test
  void readsAnUnchangedAnswerWithAReviewerError() throws Exception {
    answer =
        ")]}'\n{\"_number\":7,\"change_id\":\"Iabc\",\"url\":\"u\",\"created\":false,"
            + "\"patch_set\":3,\"unchanged\":true,\"reviewer_error\":\"no such account\"}";
    try (GerritReviewClient c = new GerritReviewClient(url(), "central-job", "secret")) {
      CentralReviewInfo info = c.createReview("plain", input());
      assertThat(info.unchanged).isTrue();
      assertThat(info.created).isFalse();
      assertThat(info.patchSet).isEqualTo(3);
      assertThat(info.reviewerError).isEqualTo("no such account");
    }
    assertThat(received.get().rawPath()).isEqualTo("/r/a/projects/plain/imagestore~reviews");
  }

  @Test
  void anErrorStatusCarriesGerritsText() throws Exception {
    status = 409;
    answer = "branch rel-9 does not exist\n";
    try (GerritReviewClient c = new GerritReviewClient(url(), "central-job", "secret")) {
      ImagestoreException e =
          assertThrows(ImagestoreException.class, () -> c.createReview("ui/tests", input()));
      assertThat(e.status()).isEqualTo(409);
      assertThat(e.getMessage()).contains("branch rel-9 does not exist");
      assertThat(e.getMessage()).doesNotContain("secret");
    }
  }

  @Test
  void malformedJsonIsAClearError() throws Exception {
    answer = ")]}'\n<html>not json";
    try (GerritReviewClient c = new GerritReviewClient(url(), "central-job", "secret")) {
      IOException e = assertThrows(IOException.class, () -> c.createReview("p", input()));
      assertThat(e.getMessage()).contains("malformed JSON");
    }
  }

  @Test
  void projectNamesAreEncodedAsOneSegment() {
    assertThat(GerritReviewClient.encodeProject("a/b c+d")).isEqualTo("a%2Fb%20c%2Bd");
    try (GerritReviewClient c =
        new GerritReviewClient(URI.create("https://g.example/"), "u", "p")) {
      assertThat(c.reviewsUrl("x/y").toString())
          .isEqualTo("https://g.example/a/projects/x%2Fy/imagestore~reviews");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
