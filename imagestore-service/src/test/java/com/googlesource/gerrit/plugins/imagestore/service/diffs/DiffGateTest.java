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

package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Turns by count and by memory; no waiting beyond the wait. */
class DiffGateTest {
  @Test
  void turnsAreLimitedByCount() throws Exception {
    DiffGate gate = new DiffGate(2, 1000, Duration.ZERO);
    DiffGate.Turn one = gate.enter(10);
    try (DiffGate.Turn two = gate.enter(10)) {
      assertThat(gate.running()).isEqualTo(2);
      assertThrows(DiffGate.NoTurn.class, () -> gate.enter(1));
    }
    gate.enter(10).close();
    one.close();
    one.close(); // twice is once
    assertThat(gate.running()).isEqualTo(0);
  }

  @Test
  void turnsAreLimitedByMemory() throws Exception {
    DiffGate gate = new DiffGate(4, 1000, Duration.ZERO);
    try (DiffGate.Turn big = gate.enter(700)) {
      assertThrows(DiffGate.NoTurn.class, () -> gate.enter(301));
      gate.enter(300).close();
    }
    gate.enter(1000).close();
    assertThrows(IllegalArgumentException.class, () -> gate.enter(1001));
  }

  @Test
  void aReleasedTurnLetsAWaiterIn() throws Exception {
    DiffGate gate = new DiffGate(1, 1000, Duration.ofMinutes(10));
    DiffGate.Turn held = gate.enter(1);
    Thread releaser =
        new Thread(
            () -> {
              while (!gate.hasWaiters()) {
                Thread.onSpinWait();
              }
              held.close();
            });
    releaser.start();
    gate.enter(1).close();
    releaser.join();
    assertThat(gate.running()).isEqualTo(0);
  }

  @Test
  void theDefaultConcurrencyFollowsHeapAndCores() {
    long mib = 1024 * 1024;
    assertThat(DiffCapacity.defaultConcurrency(256 * mib, 16)).isEqualTo(1);
    assertThat(DiffCapacity.defaultConcurrency(8192 * mib, 1)).isEqualTo(1);
    assertThat(DiffCapacity.defaultConcurrency(8192 * mib, 8)).isEqualTo(4);
    assertThat(DiffCapacity.defaultConcurrency(1024 * mib, 8)).isEqualTo(2);
  }
}
