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

package com.googlesource.gerrit.plugins.imagestore.service.testing;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What clients were told during an outage, and the check afterwards: every acknowledged (2xx)
 * upload reads back byte-identical; an upload that was not acknowledged is absent, or (its answer
 * lost after the commit) present whole, never half there; and every failure was a 503 with {@code
 * Retry-After} and an outage's error code, never a 500.
 */
public final class UploadLedger {
  /** The error codes of an outage's 503. */
  public static final Set<String> OUTAGE_CODES =
      Set.of("database_unavailable", "blob_store_unavailable");

  private final TestService service;
  private final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, byte[]> unacknowledged = new ConcurrentHashMap<>();
  private final List<String> wrongAnswers = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final AtomicInteger seeds =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

  public UploadLedger(TestService service) {
    this.service = service;
  }

  /** Uploads a new image (PUT under its content id) and records the answer; returns the status. */
  public int upload() throws IOException, InterruptedException {
    byte[] png = TestPngs.png(24, 16, seeds.incrementAndGet());
    String id = ImageId.forContent(png).value();
    HttpResponse<String> r =
        service.sendForString(
            service
                .request("/images/" + id, TestService.UPLOADER)
                .header("Content-Type", "image/png")
                .PUT(BodyPublishers.ofByteArray(png))
                .build());
    if (r.statusCode() == 200 || r.statusCode() == 201) {
      acknowledged.put(id, png);
      unacknowledged.remove(id);
    } else if (!acknowledged.containsKey(id)) {
      unacknowledged.put(id, png);
    }
    return record("PUT /images/" + id, r.statusCode(), r.headers(), r.body());
  }

  /**
   * Downloads an acknowledged image (a random one, if any) and records the answer; a 200 must carry
   * its bytes exactly. Returns the status, or 0 when nothing was acknowledged yet.
   */
  public int downloadAny() throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>(acknowledged.keySet());
    if (ids.isEmpty()) {
      return 0;
    }
    String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    HttpResponse<byte[]> r = service.send(service.request("/images/" + id, null).build());
    if (r.statusCode() == 200 && !Arrays.equals(r.body(), acknowledged.get(id))) {
      wrongAnswers.add("GET /images/" + id + " answered 200 with other bytes");
    }
    String text =
        r.statusCode() == 200 ? "" : new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    return record("GET /images/" + id, r.statusCode(), r.headers(), text);
  }

  /**
   * Records an answer: 2xx, or a 503 that names an outage and says when to retry. Anything else (a
   * 500, a 503 without {@code Retry-After}) is a wrong answer. Returns the status.
   */
  public int record(String request, int status, java.net.http.HttpHeaders headers, String body) {
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    if (status == 503) {
      String code = errorCode(body);
      if (headers.firstValue("Retry-After").isEmpty() || !OUTAGE_CODES.contains(code)) {
        wrongAnswers.add(request + " answered 503 without Retry-After or outage code: " + body);
      }
    } else if (status < 200 || status >= 300) {
      wrongAnswers.add(request + " answered " + status + ": " + body);
    }
    return status;
  }

  /** The JSON error code of an error body, or null. */
  public static String errorCode(String body) {
    try {
      return JsonParser.parseString(body).getAsJsonObject().get("error").getAsString();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** How many answers had {@code status}. */
  public int count(int status) {
    AtomicInteger n = statuses.get(status);
    return n == null ? 0 : n.get();
  }

  public int acknowledgedCount() {
    return acknowledged.size();
  }

  public int unacknowledgedCount() {
    return unacknowledged.size();
  }

  public Map<Integer, AtomicInteger> statuses() {
    return statuses;
  }

  /**
   * Checks, with everything working again, that no wrong answer was given, that every acknowledged
   * upload reads back byte-identical, that every unacknowledged one is absent (without a row) or
   * whole, and that the store's own check (fsck, reading every blob) finds nothing wrong.
   */
  public void verify() throws IOException, InterruptedException {
    assertWithMessage("answers other than 2xx or an outage's 503 (statuses %s)", statuses)
        .that(wrongAnswers)
        .isEmpty();
    for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
      HttpResponse<byte[]> r = service.send(service.request("/images/" + e.getKey(), null).build());
      assertWithMessage("acknowledged image %s", e.getKey()).that(r.statusCode()).isEqualTo(200);
      assertWithMessage("bytes of acknowledged image %s", e.getKey())
          .that(r.body())
          .isEqualTo(e.getValue());
    }
    for (Map.Entry<String, byte[]> e : unacknowledged.entrySet()) {
      HttpResponse<byte[]> r = service.send(service.request("/images/" + e.getKey(), null).build());
      if (r.statusCode() == 404) {
        assertWithMessage("unacknowledged, absent image %s has a row", e.getKey())
            .that(service.store().images().find(ImageId.of(e.getKey())).isPresent())
            .isFalse();
      } else {
        // Committed, the answer lost: then whole.
        assertWithMessage("unacknowledged image %s", e.getKey())
            .that(r.statusCode())
            .isEqualTo(200);
        assertWithMessage("bytes of unacknowledged image %s", e.getKey())
            .that(r.body())
            .isEqualTo(e.getValue());
      }
    }
    // Uploads cut by the outage may leave bytes no row names yet: in flight within the grace.
    ConsistencyCheck.Report report =
        service
            .store()
            .consistency()
            .run(new ConsistencyCheck.Options(false, true, Duration.ofHours(1)), p -> {});
    StringBuilder findings = new StringBuilder();
    for (ConsistencyCheck.Finding f : ConsistencyCheck.Finding.values()) {
      if (report.found(f) > 0) {
        findings.append(f).append(' ').append(report.found(f)).append(report.examples(f));
      }
    }
    assertWithMessage("fsck after the outage: %s", findings)
        .that(report.remainingProblems())
        .isEqualTo(0);
  }
}
