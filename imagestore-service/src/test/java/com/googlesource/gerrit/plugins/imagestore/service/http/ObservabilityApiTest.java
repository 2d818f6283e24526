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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Liveness, readiness and the Prometheus metrics, on the real server. */
class ObservabilityApiTest {
  @TempDir Path dir;
  TestService service;

  @BeforeEach
  void start() throws Exception {
    service = TestService.start(dir.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    service.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return service.sendForString(service.request(path, null).build());
  }

  @Test
  void livenessAndReadiness() throws Exception {
    HttpResponse<String> live = get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("Cache-Control")).hasValue("no-store");
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"database\":\"ok\"");
    assertThat(ready.body()).contains("\"blobStore\":\"ok\"");
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = get("/health/other");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("not_found");
  }

  @Test
  void metricsCountRequestsBytesImagesCacheAndStoreErrors() throws Exception {
    byte[] png = TestPngs.png(7);
    byte[] other = TestPngs.png(8);
    Path file = dir.resolve("a.png");
    Files.write(file, png);
    Path otherFile = dir.resolve("b.png");
    Files.write(otherFile, other);
    ImageId id;
    ImageId otherId;
    try (ImagestoreClient uploader = service.client(UPLOADER)) {
      id = uploader.upload(file, null).id();
      otherId = uploader.upload(otherFile, null).id();
    }
    for (int i = 0; i < 2; i++) {
      assertThat(service.send(service.request("/images/" + id, null).build()).body())
          .isEqualTo(png);
    }
    assertThat(get("/images/" + "f".repeat(32)).statusCode()).isEqualTo(404);

    HttpResponse<String> scrape = get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    String text = scrape.body();
    assertThat(
            value(
                text,
                "imagestore_http_requests_total{method=\"GET\",resource=\"images\",status=\"200\"}"))
        .isAtLeast(1);
    assertThat(
            value(
                text,
                "imagestore_http_requests_total{method=\"GET\",resource=\"images\",status=\"404\"}"))
        .isAtLeast(1);
    assertThat(
            value(
                text,
                "imagestore_http_requests_total{method=\"PUT\",resource=\"images\",status=\"201\"}"))
        .isAtLeast(1);
    assertThat(value(text, "imagestore_http_response_bytes_total{resource=\"images\"}"))
        .isAtLeast(png.length);
    assertThat(value(text, "imagestore_http_request_bytes_total{resource=\"images\"}"))
        .isAtLeast(png.length);
    assertThat(value(text, "imagestore_blob_store_written_bytes_total"))
        .isEqualTo(png.length + other.length);
    assertThat(value(text, "imagestore_blob_cache_reads_total{result=\"miss\"}")).isEqualTo(1);
    assertThat(value(text, "imagestore_blob_cache_reads_total{result=\"hit\"}")).isEqualTo(1);
    assertThat(value(text, "imagestore_blob_cache_bytes")).isEqualTo(png.length);
    assertThat(value(text, "imagestore_images{state=\"orphaned\"}")).isEqualTo(2);
    assertThat(value(text, "imagestore_images{state=\"referenced\"}")).isEqualTo(0);
    assertThat(text).contains("imagestore_http_request_duration_seconds_bucket");
    assertThat(text).contains("jvm_memory_used_bytes");

    // The blob store breaks (its directory becomes a file): the failure is counted.
    Path blobs = service.dataDir().resolve("blobs");
    try (var files = Files.walk(blobs)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.writeString(blobs, "not a directory");
    HttpResponse<String> broken =
        service.sendForString(service.request("/images/" + otherId, null).build());
    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(broken.body()).contains("\"error\":\"internal_error\"");
    assertThat(broken.body()).contains("incident");
    assertThat(
            value(get("/metrics").body(), "imagestore_blob_store_errors_total{operation=\"read\"}"))
        .isAtLeast(1);
    // What the cache holds is still served: the bytes of a content hash never change.
    assertThat(service.send(service.request("/images/" + id, null).build()).body()).isEqualTo(png);
  }

  /** The value of one sample in Prometheus' text format. */
  private static double value(String text, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+)").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no sample " + sample + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }
}
