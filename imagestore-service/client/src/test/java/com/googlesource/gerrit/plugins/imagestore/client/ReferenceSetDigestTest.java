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

package com.googlesource.gerrit.plugins.imagestore.client;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceSetDigestTest {
  @Test
  void keysGivenInOrderDigestLikeTheWholeSet() {
    List<String> keys =
        List.of(
            ReferenceSetDigest.key("master", "b.lnk", "2"),
            ReferenceSetDigest.key("master", "a.lnk", "1"),
            ReferenceSetDigest.key("a", "\uFF21.lnk", "3"),
            ReferenceSetDigest.key("a", "\uD83D\uDE00.lnk", "4"),
            ReferenceSetDigest.key("master", "a.lnk", "1"));
    ReferenceSetDigest.Sorted sorted = new ReferenceSetDigest.Sorted();
    for (String key : keys.stream().sorted().toList()) {
      assertThat(sorted.add(key)).isTrue();
    }
    assertThat(sorted.digest()).isEqualTo(ReferenceSetDigest.ofKeys(keys));
  }

  @Test
  void aKeyOutOfOrderIsRefusedAndLeavesTheDigestAsItWas() {
    ReferenceSetDigest.Sorted sorted = new ReferenceSetDigest.Sorted();
    assertThat(sorted.add("b")).isTrue();
    assertThat(sorted.add("a")).isFalse();
    assertThat(sorted.add("c")).isTrue();
    assertThat(sorted.digest()).isEqualTo(ReferenceSetDigest.ofKeys(List.of("c", "b")));
  }
}
