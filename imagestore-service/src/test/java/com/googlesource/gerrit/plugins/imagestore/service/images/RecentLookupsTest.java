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

package com.googlesource.gerrit.plugins.imagestore.service.images;

import static com.google.common.truth.Truth.assertThat;

import com.google.common.base.Ticker;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentLookupsTest {
  private final AtomicLong nanos = new AtomicLong();
  private final RecentLookups recent =
      new RecentLookups(
          new Ticker() {
            @Override
            public long read() {
              return nanos.get();
            }
          });
  private final AtomicInteger lookups = new AtomicInteger();

  private static final ImageContent IMAGE = new ImageContent("a".repeat(64), 10);

  private Optional<ImageContent> find(String id, Optional<ImageContent> inDatabase) {
    return recent.find(
        id,
        () -> {
          lookups.incrementAndGet();
          return inDatabase;
        });
  }

  @Test
  void aFoundImageIsRememberedForTheTtlOnly() {
    String id = "1".repeat(32);
    assertThat(find(id, Optional.of(IMAGE))).isPresent();
    nanos.addAndGet(RecentLookups.TTL.toNanos() - 1);
    assertThat(find(id, Optional.empty())).isPresent();
    assertThat(lookups.get()).isEqualTo(1);

    nanos.addAndGet(1);
    assertThat(find(id, Optional.empty())).isEmpty();
    assertThat(lookups.get()).isEqualTo(2);
  }

  @Test
  void absenceIsNeverRemembered() {
    String id = "2".repeat(32);
    assertThat(find(id, Optional.empty())).isEmpty();
    assertThat(find(id, Optional.of(IMAGE))).isPresent();
    assertThat(lookups.get()).isEqualTo(2);
  }

  @Test
  void forgettingTakesEffectAtOnce() {
    String id = "3".repeat(32);
    assertThat(find(id, Optional.of(IMAGE))).isPresent();
    recent.forget(id);
    assertThat(find(id, Optional.empty())).isEmpty();
  }
}
