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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.PASSWORD;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional access log of the real server: a line per request, never a credential. */
class AccessLogTest {
  @TempDir Path dir;

  @Test
  void logsEachRequestWithTheAuthenticatedAccountAndNoCredential() throws Exception {
    Path log = dir.resolve("logs/access.log");
    Files.createDirectories(log.getParent());
    try (TestService service = TestService.start(dir.resolve("data"), c -> c.withAccessLog(log))) {
      ImageId id = service.upload(TestPngs.png(3));
      // Each line is written after its answer went out: wait for it before the next request, so
      // that the lines are in the order of the requests.
      assertThat(awaitLines(log, 1)).hasSize(1);
      assertThat(
              service
                  .send(
                      service
                          .request("/images/" + id.value(), null)
                          .header("User-Agent", "uiveri5-remote-storage")
                          .build())
                  .statusCode())
          .isEqualTo(200);
      assertThat(awaitLines(log, 2)).hasSize(2);
      String wrong = TestService.basic(UPLOADER, "not the password");
      assertThat(
              service
                  .send(
                      service
                          .request("/images/" + "0".repeat(32), null)
                          .header("Authorization", wrong)
                          .header("Content-Type", "image/png")
                          .PUT(HttpRequest.BodyPublishers.ofByteArray(TestPngs.png(4)))
                          .build())
                  .statusCode())
          .isEqualTo(401);

      List<String> lines = awaitLines(log, 3);
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).containsMatch("^127\\.0\\.0\\.1 - uploader \\[");
      assertThat(lines.get(0)).contains("\"PUT /images/" + id.value() + " HTTP/1.1\" 201 ");
      assertThat(lines.get(1)).containsMatch("^127\\.0\\.0\\.1 - - \\[");
      assertThat(lines.get(1))
          .containsMatch(
              "\"GET /images/"
                  + id.value()
                  + " HTTP/1.1\" 200 \\d+ \"\" \"uiveri5-remote-storage\"");
      // A failed login names no account: the name was only claimed.
      assertThat(lines.get(2)).containsMatch("^127\\.0\\.0\\.1 - - \\[");
      assertThat(lines.get(2)).contains(" 401 ");
      for (String line : lines) {
        assertThat(line).containsMatch(" \\d+$"); // the milliseconds
        assertThat(line).doesNotContain(PASSWORD);
        assertThat(line).doesNotContain("not the password");
        assertThat(line).doesNotContain("Basic");
      }
    }
  }

  @Test
  void noAccessLogByDefault() throws Exception {
    try (TestService service = TestService.start(dir.resolve("data"))) {
      service.upload(TestPngs.png(5));
      assertThat(service.store().config().accessLog()).isNull();
    }
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().contains("access")).toList())
          .isEmpty();
    }
  }

  /** The line is written after the answer went out: wait for it, without asserting a time. */
  private static List<String> awaitLines(Path log, int count) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    List<String> lines = List.of();
    while (Instant.now().isBefore(deadline)) {
      lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      if (lines.size() >= count) {
        break;
      }
      Thread.sleep(20);
    }
    return lines;
  }
}
