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

package com.googlesource.gerrit.plugins.imagestore.service.auth;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserServiceTest {
  @TempDir Path dir;

  @Test
  void concurrentLoginsWithTheSameCredentialsRunBcryptOnce() throws Exception {
    try (TestService service = TestService.start(dir)) {
      UserService users = service.store().users();
      long before = users.bcryptRuns();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<User>>> logins = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        logins.add(
            pool.submit(
                () -> {
                  start.await();
                  return users.authenticate(TestService.UPLOADER, TestService.PASSWORD);
                }));
      }
      start.countDown();
      for (Future<Optional<User>> login : logins) {
        assertThat(login.get().map(User::name)).hasValue(TestService.UPLOADER);
      }
      pool.shutdown();
      // Late arrivals find the cache; the rest joined the one verification in flight.
      assertThat(users.bcryptRuns() - before).isEqualTo(1);

      // A wrong password is still refused, and does not spoil the cache.
      assertThat(users.authenticate(TestService.UPLOADER, "wrong")).isEmpty();
      assertThat(users.authenticate(TestService.UPLOADER, TestService.PASSWORD)).isPresent();
    }
  }

  /** Issue 11: 30 wrong passwords at once saturated both cores with bcrypt. */
  @Test
  void bcryptRunsOnAtMostItsSlotsAtOnce() throws Exception {
    try (TestService service = TestService.start(dir)) {
      UserService users = service.store().users();
      int attempts = 2 * UserService.BCRYPT_CONCURRENCY + 2;
      ExecutorService pool = Executors.newFixedThreadPool(attempts);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<User>>> logins = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        String guess = "wrong guess " + i; // distinct: none joins another's verification
        String name = i % 2 == 0 ? TestService.UPLOADER : "nobody" + i; // unknown names too
        logins.add(
            pool.submit(
                () -> {
                  start.await();
                  return users.authenticate(name, guess);
                }));
      }
      start.countDown();
      for (Future<Optional<User>> login : logins) {
        assertThat(login.get()).isEmpty();
      }
      pool.shutdown();
      assertThat(users.bcryptPeak()).isAtMost(UserService.BCRYPT_CONCURRENCY);
      assertThat(users.authenticate(TestService.UPLOADER, TestService.PASSWORD)).isPresent();
    }
  }
}
