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

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.HandMadePng;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, the diff computations: what anyone can ask of {@code /diff} without logging in must
 * neither exhaust the heap or the HTTP threads nor store state without bound.
 */
class HostileDiffApiTest {
  /** A guard against hanging forever, not a measurement. */
  private static final Duration GUARD = Duration.ofMinutes(2);

  @TempDir static Path dir;
  static TestService service;

  /** Enough for a few large screenshots at once, not for 8192x8192 at 16 bits. */
  private static final long MEMORY = 512L * 1024 * 1024;

  @BeforeAll
  static void start() throws Exception {
    // No waiting for a turn: a diff gets one at once or 503.
    service = TestService.start(dir, c -> c.withDiffCapacity(2, MEMORY, Duration.ZERO));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return service.send(service.request(path, null).timeout(GUARD).build());
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject();
  }

  /** A refusal with a stable code and no exception text. */
  private static JsonObject assertRefused(HttpResponse<byte[]> r, int status, String code) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertWithMessage(body).that(r.statusCode()).isEqualTo(status);
    assertThat(body).doesNotContain("Exception");
    assertThat(body).doesNotContain("Error");
    JsonObject error = json(r);
    assertThat(error.get("error").getAsString()).isEqualTo(code);
    return error;
  }

  /** An n x 1 and a 1 x n image: a few hundred bytes each, n pixels, under the pixel limit. */
  private static ImageId[] crossedPair(int n) throws Exception {
    return new ImageId[] {
      service.upload(HandMadePng.blank(n, 1, 2, 8, 1)),
      service.upload(HandMadePng.blank(1, n, 2, 8, 1))
    };
  }

  // 46340 x 46340 was a 2.1 GB array (OutOfMemoryError), 50000 a negative size, 65536 an overflow
  // to a small array that was written past its end.
  @ParameterizedTest
  @ValueSource(ints = {46340, 50000, 65536})
  void sizesWhoseUnionIsBeyondThePixelLimitAreRefusedBeforeAnyAllocation(int n) throws Exception {
    ImageId[] pair = crossedPair(n);
    for (String path :
        List.of(
            "/diff/" + pair[0] + "/" + pair[1],
            "/diff/" + pair[0] + "/" + pair[1] + "/info",
            "/diff/" + pair[1] + "/" + pair[0] + "?threshold=0.3")) {
      JsonObject error = assertRefused(get(path), 422, "diff_too_large");
      assertThat(error.get("message").getAsString()).contains(n + "x" + n);
    }
  }

  /** 8192 x 8192 RGBA at 16 bits in about half a megabyte: a gibibyte and a half decoded. */
  private static ImageId[] sixteenBitPair() throws Exception {
    return new ImageId[] {
      service.upload(HandMadePng.blank(8192, 8192, 6, 16, 1)),
      service.upload(HandMadePng.blank(8192, 8192, 6, 16, 2))
    };
  }

  @Test
  void aComparisonBeyondTheMemoryBudgetIsRefusedBeforeDecoding() throws Exception {
    ImageId[] pair = sixteenBitPair();
    for (String path :
        List.of(
            "/diff/" + pair[0] + "/" + pair[1],
            "/diff/" + pair[0] + "/" + pair[1] + "/info?threshold=0.01",
            "/diff/" + pair[0] + "/" + pair[0])) {
      JsonObject error = assertRefused(get(path), 422, "diff_too_large");
      assertThat(error.get("message").getAsString()).contains("MiB of memory");
      assertThat(error.get("message").getAsString()).contains("more than the limit of 512 MiB");
    }
    // The figures of identical bytes need no decoding.
    HttpResponse<byte[]> same = get("/diff/" + pair[1] + "/" + pair[1] + "/info");
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(json(same).get("identical").getAsBoolean()).isTrue();
  }

  @Test
  void concurrentHostileRequestsAllAnswerAndTheServiceStaysLive() throws Exception {
    ImageId[] small = crossedPair(46340);
    ImageId[] large = crossedPair(65536);
    ImageId[] deep = sixteenBitPair();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        ImageId[] pair = i % 3 == 0 ? small : i % 3 == 1 ? large : deep;
        String path = "/diff/" + pair[0] + "/" + pair[1] + (i % 4 < 2 ? "" : "/info");
        answers.add(pool.submit(() -> get(path)));
      }
      assertThat(get("/health/live").statusCode()).isEqualTo(200);
      for (Future<HttpResponse<byte[]>> answer : answers) {
        assertRefused(answer.get(), 422, "diff_too_large");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void onlyTheDefaultAndQuantisedOptionsAreStored() throws Exception {
    ImageId a = service.upload(HandMadePng.blank(64, 48, 2, 8, 0));
    ImageId b = service.upload(HandMadePng.blank(64, 48, 2, 8, 255));
    String pair = "/diff/" + a + "/" + b;
    int before = service.count("diffs");

    // Every other threshold is computed on the fly and forgotten.
    for (String threshold : List.of("0.123456", "0.07", "0.900001", "0.000001", "0.500001")) {
      HttpResponse<byte[]> info = get(pair + "/info?threshold=" + threshold);
      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(json(info).get("mismatchedPixels").getAsLong()).isEqualTo(1);
      HttpResponse<byte[]> picture = get(pair + "?includeAntialiasing=true&threshold=" + threshold);
      assertThat(picture.statusCode()).isEqualTo(200);
      assertThat(picture.headers().firstValue("Content-Type")).hasValue("image/png");
      assertThat(picture.headers().firstValue("ETag")).isPresent();
    }
    assertThat(service.count("diffs")).isEqualTo(before);

    // The default and the multiples of 0.05, with and without anti-aliasing: stored once each.
    for (String query :
        List.of(
            "", "?threshold=0.15", "?threshold=0.15&includeAntialiasing=true", "?threshold=1")) {
      for (int repeat = 0; repeat < 2; repeat++) {
        assertThat(get(pair + "/info" + query).statusCode()).isEqualTo(200);
        assertThat(get(pair + query).statusCode()).isEqualTo(200);
      }
    }
    assertThat(service.count("diffs")).isEqualTo(before + 4);
  }

  @Test
  void withoutATurnTheAnswerIs503WithRetryAfter() throws Exception {
    ImageId a = service.upload(HandMadePng.blank(40, 30, 2, 8, 0));
    ImageId b = service.upload(HandMadePng.blank(40, 30, 2, 8, 255));
    ImageId c = service.upload(HandMadePng.blank(40, 30, 2, 8, 128));
    String stored = "/diff/" + a + "/" + b;
    assertThat(get(stored).statusCode()).isEqualTo(200);

    try (AutoCloseable all = service.store().diffs().holdTurn(MEMORY)) {
      for (String path :
          List.of(
              "/diff/" + a + "/" + c,
              "/diff/" + a + "/" + c + "/info",
              stored + "?threshold=0.3")) {
        HttpResponse<byte[]> r = get(path);
        assertRefused(r, 503, "busy");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
      }
      // What is stored needs no turn.
      assertThat(get(stored).statusCode()).isEqualTo(200);
      assertThat(get(stored + "/info").statusCode()).isEqualTo(200);
      assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }
    assertThat(get("/diff/" + a + "/" + c + "/info").statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentComputationsTakeTurnsOrAnswer503NeverFail() throws Exception {
    // 1024 x 1024 RGBA: about 20 MiB a comparison with its picture; two at once.
    ImageId a = service.upload(HandMadePng.blank(1024, 1024, 6, 8, 0));
    ImageId b = service.upload(HandMadePng.blank(1024, 1024, 6, 8, 255));
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        // Thresholds that are not stored: every request is a computation of its own.
        String path = "/diff/" + a + "/" + b + "?threshold=0.0" + (10 + i);
        answers.add(pool.submit(() -> get(path)));
      }
      int computed = 0;
      for (Future<HttpResponse<byte[]>> answer : answers) {
        HttpResponse<byte[]> r = answer.get();
        if (r.statusCode() == 503) {
          assertRefused(r, 503, "busy");
          assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        } else {
          assertWithMessage(new String(r.body(), StandardCharsets.UTF_8))
              .that(r.statusCode())
              .isEqualTo(200);
          computed++;
        }
      }
      assertThat(computed).isAtLeast(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }
}
