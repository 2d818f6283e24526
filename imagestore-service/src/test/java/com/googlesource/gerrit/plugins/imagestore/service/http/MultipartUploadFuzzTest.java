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

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multipart upload path end to end (Jetty's multipart parser, the servlet's part handling, the
 * PNG validation, the content protocol) on bodies built from fuzzer input: mostly well-framed forms
 * whose boundaries, part names, part headers and contents are chosen by the fuzzer, sometimes a raw
 * body under a chosen content type. Whatever arrives, the real service on a loopback port answers
 * 201/200 or a 4xx with a JSON error code, never a 5xx; an accepted image is stored under its
 * content id and reads back as exactly those bytes; and no spool file outlives its request (a
 * leaking parser would fill the disk one anonymous request at a time). Every test run replays the
 * corpus in {@code MultipartUploadFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class MultipartUploadFuzzTest {
  private static final byte[] SCREENSHOT = TestPngs.screenshot(48, 32, 7);
  private static final String[] PART_NAMES = {"image", "json", "image", "other"};
  private static final String[] CONTENT_TYPES = {
    "image/png", "application/octet-stream", "application/json", "text/plain", ""
  };

  @TempDir static Path dataDir;
  private static TestService service;

  @BeforeAll
  static void start() throws Exception {
    // A small byte limit so that the fuzzer reaches the size refusals with small inputs.
    service = TestService.start(dataDir, c -> c.withLimits(64 * 1024, 1 << 20));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  @FuzzTest
  void answersEveryBodyWithAnUploadOrAClearRefusal(FuzzedDataProvider data) throws Exception {
    // Jazzer treats every connection as request forgery unless the test allows it: the service's.
    try (SilentCloseable onlyTheService =
        BugDetectors.allowNetworkConnections((host, port) -> port == service.port())) {
      send(data);
    }
  }

  private static void send(FuzzedDataProvider data) throws Exception {
    String contentType;
    byte[] body;
    if (data.consumeInt(0, 7) == 0) {
      contentType = data.consumeString(120);
      body = data.consumeRemainingAsBytes();
    } else {
      String boundary = data.consumeAsciiString(72);
      contentType =
          "multipart/form-data; boundary="
              + (data.consumeBoolean() ? "\"" + boundary + "\"" : boundary);
      body = form(data, boundary);
    }
    HttpRequest.Builder request =
        service
            .request("/images", TestService.UPLOADER)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (isLegalHeaderValue(contentType)) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> answer = service.sendForString(request.build());

    int status = answer.statusCode();
    assertWithMessage("status %s: %s", status, answer.body())
        .that(status)
        .isIn(Arrays.asList(200, 201, 400, 413, 415, 422));
    JsonObject json = JsonParser.parseString(answer.body()).getAsJsonObject();
    if (status >= 400) {
      assertWithMessage(answer.body()).that(json.get("error").getAsString()).isNotEmpty();
    } else {
      ImageId id = ImageId.of(json.get("uuid").getAsString());
      HttpResponse<byte[]> stored =
          service.send(service.request("/images/" + id, null).GET().build());
      assertThat(stored.statusCode()).isEqualTo(200);
      assertThat(ImageId.forContent(stored.body())).isEqualTo(id);
    }
    // An accepted upload removes its spool file just after the answer has gone out.
    for (int i = 0; i < 100 && !service.spoolLeftovers().isEmpty(); i++) {
      Thread.sleep(20);
    }
    assertThat(service.spoolLeftovers()).isEmpty();
  }

  /** A multipart body: up to four parts, each part's name, headers and content fuzzer-chosen. */
  private static byte[] form(FuzzedDataProvider data, String boundary) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (data.consumeBoolean()) {
      out.writeBytes(data.consumeBytes(16)); // a preamble, which parsers must skip
    }
    int parts = data.consumeInt(0, 4);
    for (int i = 0; i < parts; i++) {
      String name = data.consumeBoolean() ? data.pickValue(PART_NAMES) : data.consumeString(12);
      StringBuilder headers = new StringBuilder("--").append(boundary).append("\r\n");
      headers.append("Content-Disposition: form-data; name=\"").append(name).append('"');
      if (data.consumeBoolean()) {
        headers.append("; filename=\"").append(data.consumeString(16)).append('"');
      }
      headers.append("\r\nContent-Type: ").append(data.pickValue(CONTENT_TYPES));
      if (data.consumeInt(0, 3) == 0) {
        headers.append("\r\n").append(data.consumeString(40)); // a stray header line
      }
      headers.append("\r\n\r\n");
      out.writeBytes(headers.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(content(data));
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (data.consumeInt(0, 5) > 0) {
      out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** A real screenshot (whole, cut short or with a byte changed), UIVeri5 metadata, or noise. */
  private static byte[] content(FuzzedDataProvider data) {
    switch (data.consumeInt(0, 4)) {
      case 0:
        return SCREENSHOT;
      case 1:
        return Arrays.copyOf(SCREENSHOT, data.consumeInt(0, SCREENSHOT.length));
      case 2:
        byte[] changed = SCREENSHOT.clone();
        changed[data.consumeInt(0, changed.length - 1)] ^= (byte) data.consumeInt(1, 255);
        return changed;
      case 3:
        return ("{\"_meta\":{\"spec\":{\"name\":\"" + data.consumeString(20) + "\"}}}")
            .getBytes(StandardCharsets.UTF_8);
      default:
        return data.consumeBytes(256);
    }
  }

  /** Java's HTTP client refuses control characters in header values; so would a real client. */
  private static boolean isLegalHeaderValue(String value) {
    return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f));
  }
}
