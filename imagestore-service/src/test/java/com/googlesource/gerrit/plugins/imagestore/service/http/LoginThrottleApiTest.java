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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.PASSWORD;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig.LoginLimits;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, brute force: wrong passwords from one address are answered 429 with {@code Retry-After}
 * after {@link LoginLimits#DEFAULT}'s failures per address, without bcrypt, while other clients log
 * in as usual (the attack comes from 127.0.0.2, the other clients from 127.0.0.1).
 */
class LoginThrottleApiTest {
  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
  private static final Pattern RETRY_AFTER = Pattern.compile("(?im)^Retry-After:\\s*(\\d+)\\s*$");

  @TempDir Path dir;

  /** A GET from {@code from}: the status and the Retry-After header (or null). */
  record Answer(int status, String retryAfter, String text) {}

  private static Answer get(TestService service, String from, String path, String authorization)
      throws Exception {
    try (Socket socket =
        new Socket(
            InetAddress.getByName("127.0.0.1"), service.port(), InetAddress.getByName(from), 0)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                  + authorization
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), ISO_8859_1);
      Matcher status = STATUS.matcher(text);
      assertWithMessage(text).that(status.find()).isTrue();
      Matcher retry = RETRY_AFTER.matcher(text.substring(0, text.indexOf("\r\n\r\n")));
      return new Answer(
          Integer.parseInt(status.group(1)), retry.find() ? retry.group(1) : null, text);
    }
  }

  private static int asUser(TestService service, String user, String password) throws Exception {
    HttpResponse<String> r =
        service.sendForString(
            service
                .request("/settings", null)
                .header("Authorization", TestService.basic(user, password))
                .build());
    return r.statusCode();
  }

  @Test
  void wrongPasswordsFromOneAddressAreThrottledWhileOthersLogIn() throws Exception {
    try (TestService service = TestService.start(dir)) {
      service
          .store()
          .users()
          .put("admin2", "another password".toCharArray(), EnumSet.of(Role.ADMIN));
      String wrong = TestService.basic(ADMIN, "wrong password");
      int attempts = 30;
      CompletableFuture<List<Answer>> attack =
          CompletableFuture.supplyAsync(
              () -> {
                List<Answer> answers = new ArrayList<>();
                try {
                  for (int i = 0; i < attempts; i++) {
                    answers.add(get(service, "127.0.0.2", "/settings", wrong));
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return answers;
              });
      // During the attack: the attacked account from elsewhere, and an account whose password no
      // request has checked yet (so it needs bcrypt too).
      List<Integer> others = new ArrayList<>();
      while (!attack.isDone()) {
        others.add(asUser(service, ADMIN, PASSWORD));
      }
      others.add(asUser(service, "admin2", "another password"));
      others.add(asUser(service, ADMIN, PASSWORD));
      assertThat(others).containsNoneIn(List.of(401, 429, 503));
      assertThat(others.stream().distinct().toList()).containsExactly(200);

      List<Answer> answers = attack.join();
      for (int i = 0; i < attempts; i++) {
        Answer a = answers.get(i);
        int expected = i < LoginLimits.DEFAULT.perAddress() ? 401 : 429;
        assertWithMessage("attempt %s: %s", i, a.text()).that(a.status()).isEqualTo(expected);
        if (expected == 429) {
          assertWithMessage(a.text()).that(a.text()).contains("too_many_login_failures");
          assertWithMessage(a.text()).that(a.retryAfter()).isNotNull();
          assertWithMessage(a.text()).that(Long.parseLong(a.retryAfter())).isGreaterThan(0L);
        }
      }
      // The right password from the throttled address is refused too: guessing cannot go on.
      Answer right = get(service, "127.0.0.2", "/settings", TestService.basic(ADMIN, PASSWORD));
      assertWithMessage(right.text()).that(right.status()).isEqualTo(429);
      // What needs no login is not throttled.
      assertThat(get(service, "127.0.0.2", "/health/live", wrong).status()).isEqualTo(200);
    }
  }

  /** An operator sets the limits (behind a proxy every client shares one address). */
  @Test
  void configuredLimitsApply() throws Exception {
    try (TestService service =
        TestService.start(
            dir, c -> c.withLoginLimits(new LoginLimits(2, 50, Duration.ofMinutes(5))))) {
      String wrong = TestService.basic(ADMIN, "wrong password");
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        statuses.add(get(service, "127.0.0.2", "/settings", wrong).status());
      }
      assertThat(statuses).containsExactly(401, 401, 429, 429).inOrder();
      Answer right = get(service, "127.0.0.2", "/settings", TestService.basic(ADMIN, PASSWORD));
      assertThat(right.status()).isEqualTo(429);
      assertThat(Long.parseLong(right.retryAfter())).isGreaterThan(60L);
      assertThat(
              get(service, "127.0.0.1", "/settings", TestService.basic(ADMIN, PASSWORD)).status())
          .isEqualTo(200);
    }
  }
}
