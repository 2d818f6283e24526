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
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReferenceBucketsTest {
  private static String uuid(Random random) {
    return String.format("%016x%016x", random.nextLong(), random.nextLong());
  }

  @Test
  void aBucketIsAUuidRangeOfTheFirstBits() {
    ReferenceBuckets four = ReferenceBuckets.of(4);
    assertThat(four.of("00000000000000000000000000000000")).isEqualTo(0);
    assertThat(four.of("3fffffffffffffffffffffffffffffff")).isEqualTo(0);
    assertThat(four.of("40000000000000000000000000000000")).isEqualTo(1);
    assertThat(four.of("ffffffffffffffffffffffffffffffff")).isEqualTo(3);
    assertThat(four.lowerBound(1)).isEqualTo("400");
    assertThat(four.upperBound(1)).isEqualTo("800");
    assertThat(four.upperBound(3)).isNull();
    ReferenceBuckets most = ReferenceBuckets.of(ReferenceBuckets.MAX);
    assertThat(most.of("abcdef00000000000000000000000000")).isEqualTo(0xabc);
    assertThat(most.lowerBound(0xabc)).isEqualTo("abc");
    assertThat(most.upperBound(0xabc)).isEqualTo("abd");
    assertThat(ReferenceBuckets.of(1).of("ffffffffffffffffffffffffffffffff")).isEqualTo(0);

    // Every uuid lies in its bucket's range, compared as strings (as the databases do).
    Random random = new Random(1);
    ReferenceBuckets cut = ReferenceBuckets.of(64);
    for (int i = 0; i < 2000; i++) {
      String uuid = uuid(random);
      int bucket = cut.of(uuid);
      assertThat(uuid.compareTo(cut.lowerBound(bucket))).isAtLeast(0);
      String upper = cut.upperBound(bucket);
      if (upper != null) {
        assertThat(uuid.compareTo(upper)).isLessThan(0);
      }
    }
  }

  @Test
  void onlyPowersOfTwoUpToTheMaximumAreBucketCounts() {
    for (int n : List.of(1, 2, 256, 4096)) {
      assertThat(ReferenceBuckets.isValidCount(n)).isTrue();
    }
    for (int n : List.of(0, -2, 3, 100, 8192)) {
      assertThat(ReferenceBuckets.isValidCount(n)).isFalse();
      assertThrows(IllegalArgumentException.class, () -> ReferenceBuckets.of(n));
    }
    assertThat(ReferenceBuckets.countFor(0)).isEqualTo(1);
    assertThat(ReferenceBuckets.countFor(200)).isEqualTo(1);
    assertThat(ReferenceBuckets.countFor(36_051)).isEqualTo(256);
    assertThat(ReferenceBuckets.countFor(10_000_000)).isEqualTo(ReferenceBuckets.MAX);
  }

  @Test
  void eachBucketDigestsItsReferencesAsAWholeSetDigestWould() {
    Random random = new Random(2);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(
          ReferenceSetDigest.key(i % 2 == 0 ? "master" : "rel", "p" + i + ".lnk", uuid(random)));
    }
    keys.add(keys.get(0)); // a duplicate counts once
    ReferenceBuckets cut = ReferenceBuckets.of(16);
    ReferenceBuckets.Digests digests = cut.digestsOfKeys(keys);
    assertThat(digests.count()).isEqualTo(1000);
    assertThat(digests.digest()).isEqualTo(ReferenceSetDigest.ofKeys(keys));
    Map<Integer, ReferenceBuckets.Digest> buckets = digests.buckets();
    assertThat(buckets.keySet()).hasSize(16);
    for (Map.Entry<Integer, ReferenceBuckets.Digest> e : buckets.entrySet()) {
      List<String> inBucket =
          keys.stream().distinct().filter(k -> cut.ofKey(k) == e.getKey()).toList();
      assertThat(e.getValue())
          .isEqualTo(
              new ReferenceBuckets.Digest(inBucket.size(), ReferenceSetDigest.ofKeys(inBucket)));
    }

    // One bucket is the whole set; empty buckets are not listed.
    ReferenceBuckets.Digests one = ReferenceBuckets.of(1).digestsOfKeys(keys);
    assertThat(one.buckets())
        .containsExactly(0, new ReferenceBuckets.Digest(1000, ReferenceSetDigest.ofKeys(keys)));
    assertThat(ReferenceBuckets.of(16).digestsOfKeys(List.of()).buckets()).isEmpty();

    // Keys out of order are refused, as the service's streamed pass detects them.
    ReferenceBuckets.Digests streamed = cut.digests();
    assertThat(streamed.add("b\0p\0" + "f".repeat(32))).isTrue();
    assertThat(streamed.add("a\0p\0" + "0".repeat(32))).isFalse();
  }
}
