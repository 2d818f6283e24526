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

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final AtomicLong now = new AtomicLong();
  private final Ticker ticker =
      new Ticker() {
        @Override
        public long read() {
          return now.get();
        }
      };
  private final LoginThrottle throttle = new LoginThrottle(3, 5, Duration.ofSeconds(60), ticker);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void anAddressIsThrottledForTheRestOfItsWindow() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.retryAfterSeconds("10.0.0.1", "alice")).isEqualTo(0);
      throttle.failed("10.0.0.1", "alice");
    }
    advance(Duration.ofSeconds(20));
    assertThat(throttle.retryAfterSeconds("10.0.0.1", "alice")).isEqualTo(40);
    assertThat(throttle.retryAfterSeconds("10.0.0.1", "bob")).isEqualTo(40);
    assertThat(throttle.retryAfterSeconds("10.0.0.2", "alice")).isEqualTo(0);
    advance(Duration.ofSeconds(40));
    assertThat(throttle.retryAfterSeconds("10.0.0.1", "alice")).isEqualTo(0);
  }

  @Test
  void anAccountIsThrottledWhenManyAddressesFail() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("10.0.1." + i, "alice");
    }
    assertThat(throttle.retryAfterSeconds("10.9.9.9", "alice")).isEqualTo(60);
    assertThat(throttle.retryAfterSeconds("10.9.9.9", "bob")).isEqualTo(0);
  }

  @Test
  void ipv6CountsByItsNetwork() {
    for (int i = 1; i <= 3; i++) {
      throttle.failed("2001:db8:1:2::" + i, "u" + i);
    }
    assertThat(throttle.retryAfterSeconds("2001:db8:1:2:ffff::9", "x")).isGreaterThan(0);
    assertThat(throttle.retryAfterSeconds("2001:db8:1:3::1", "x")).isEqualTo(0);
    assertThat(LoginThrottle.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"))
        .isEqualTo("2001:db8:1:2::/64");
  }

  @Test
  void memoryIsBounded() {
    for (int i = 0; i < 3 * LoginThrottle.MAX_KEYS; i++) {
      throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "u" + i);
    }
    // Guava evicts as it goes; the caches never hold much more than their bound.
    assertThat(throttle.size()).isAtMost(2L * LoginThrottle.MAX_KEYS + 100);
  }
}
