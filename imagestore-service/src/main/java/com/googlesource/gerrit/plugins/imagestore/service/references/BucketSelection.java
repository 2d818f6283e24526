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

package com.googlesource.gerrit.plugins.imagestore.service.references;

import com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The part of a project's reference set a replace covers: some buckets of a {@link
 * ReferenceBuckets} cut, i.e. some uuid ranges. The references outside it are left untouched.
 */
public final class BucketSelection {
  private static final BucketSelection ALL =
      new BucketSelection(ReferenceBuckets.of(1), new TreeSet<>(List.of(0)));

  private final ReferenceBuckets buckets;
  private final SortedSet<Integer> chosen;

  private BucketSelection(ReferenceBuckets buckets, SortedSet<Integer> chosen) {
    this.buckets = buckets;
    this.chosen = chosen;
  }

  /** The whole set. */
  public static BucketSelection all() {
    return ALL;
  }

  /**
   * Buckets {@code chosen} of {@code count}; refused unless {@code count} is a power of two up to
   * {@link ReferenceBuckets#MAX} and every chosen bucket lies below it.
   */
  public static BucketSelection of(int count, Collection<Integer> chosen) {
    ReferenceBuckets buckets = ReferenceBuckets.of(checkedCount(count));
    if (chosen == null || chosen.isEmpty()) {
      throw new InvalidInputException("bad_buckets", "name at least one bucket to replace");
    }
    SortedSet<Integer> set = new TreeSet<>();
    for (Integer bucket : chosen) {
      if (bucket == null || bucket < 0 || bucket >= count) {
        throw new InvalidInputException(
            "bad_buckets", "bucket " + bucket + " lies outside 0.." + (count - 1));
      }
      set.add(bucket);
    }
    return new BucketSelection(buckets, set);
  }

  /** {@code count} when it is a valid number of buckets, else refused. */
  public static int checkedCount(int count) {
    if (!ReferenceBuckets.isValidCount(count)) {
      throw new InvalidInputException(
          "bad_buckets",
          "buckets must be a power of two from 1 to " + ReferenceBuckets.MAX + ", got " + count);
    }
    return count;
  }

  /** True when it covers every reference. */
  public boolean isAll() {
    return chosen.size() == buckets.count();
  }

  /** True when a reference to {@code uuid} (a valid one) lies in it. */
  public boolean contains(String uuid) {
    return chosen.contains(buckets.of(uuid));
  }

  /** Its buckets as the fewest uuid ranges, in order (neighbouring buckets merged). */
  public List<UuidRange> ranges() {
    List<UuidRange> out = new ArrayList<>();
    Integer first = null;
    Integer last = null;
    for (int bucket : chosen) {
      if (last != null && bucket != last + 1) {
        out.add(new UuidRange(buckets.lowerBound(first), buckets.upperBound(last)));
        first = null;
      }
      if (first == null) {
        first = bucket;
      }
      last = bucket;
    }
    out.add(new UuidRange(buckets.lowerBound(first), buckets.upperBound(last)));
    return out;
  }

  @Override
  public String toString() {
    return chosen + " of " + buckets.count();
  }

  /** The uuids {@code >= from} and, unless {@code below} is null, {@code < below}. */
  public record UuidRange(String from, String below) {}
}
