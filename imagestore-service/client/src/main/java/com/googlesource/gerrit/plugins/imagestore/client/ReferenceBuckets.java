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

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reference set cut into {@code count} buckets by the first bits of the image uuid (a power of
 * two, at most {@link #MAX}), so that a reconcile whose set differs from the stored one in a few
 * references sends only the buckets that differ. Computed the same way by the plugin (over what it
 * scanned) and by the service (over what it stores); a bucket is a uuid range, its digest the
 * {@link ReferenceSetDigest} of its references.
 */
public final class ReferenceBuckets {
  /** The most buckets: the first three hex digits of a uuid. */
  public static final int MAX = 4096;

  private static final int PREFIX_DIGITS = 3;

  private static final int UUID_LENGTH = 32;

  /** References per bucket a client aims at: a differing bucket costs about this many to send. */
  private static final int TARGET_SIZE = 128;

  private final int count;
  private final int shift;

  private ReferenceBuckets(int count) {
    this.count = count;
    this.shift = Integer.numberOfTrailingZeros(MAX / count);
  }

  /** True for a power of two from 1 to {@link #MAX}. */
  public static boolean isValidCount(int count) {
    return count >= 1 && count <= MAX && Integer.bitCount(count) == 1;
  }

  /**
   * Buckets of {@code count}.
   *
   * @throws IllegalArgumentException unless {@link #isValidCount}
   */
  public static ReferenceBuckets of(int count) {
    if (!isValidCount(count)) {
      throw new IllegalArgumentException(
          "buckets must be a power of two from 1 to " + MAX + ", got " + count);
    }
    return new ReferenceBuckets(count);
  }

  /** How many buckets a client should ask for a set of {@code size} references. */
  public static int countFor(int size) {
    return Math.max(1, Math.min(MAX, Integer.highestOneBit(Math.max(1, size / TARGET_SIZE))));
  }

  public int count() {
    return count;
  }

  /** The bucket of a valid uuid (32 lowercase hex digits). */
  public int of(String uuid) {
    return Integer.parseInt(uuid, 0, PREFIX_DIGITS, 16) >>> shift;
  }

  /** The bucket of a {@link ReferenceSetDigest#key} (it ends with the uuid). */
  public int ofKey(String key) {
    return of(key.substring(key.length() - UUID_LENGTH));
  }

  /** The smallest uuid prefix of {@code bucket}: its uuids are those {@code >=} it. */
  public String lowerBound(int bucket) {
    return prefix(bucket);
  }

  /**
   * The smallest uuid prefix past {@code bucket} (its uuids are {@code <} it); null for the last.
   */
  public String upperBound(int bucket) {
    return bucket + 1 == count ? null : prefix(bucket + 1);
  }

  private String prefix(int bucket) {
    String hex = Integer.toHexString(bucket << shift);
    return "0".repeat(PREFIX_DIGITS - hex.length()) + hex;
  }

  /** One bucket's fingerprint: distinct references and their {@link ReferenceSetDigest}. */
  public record Digest(int count, String digest) {}

  /**
   * The whole set's digest and each non-empty bucket's, over keys given one at a time in ascending
   * order ({@link String#compareTo}), holding none of them: one ordered pass over a set of any
   * size.
   */
  public final class Digests {
    private final ReferenceSetDigest.Sorted whole = new ReferenceSetDigest.Sorted();
    // One bucket is the whole set: no second hash of every key.
    private final ReferenceSetDigest.Sorted[] digests =
        new ReferenceSetDigest.Sorted[count == 1 ? 0 : count];
    private final int[] counts = new int[count];
    private String previous;
    private int total;
    private String wholeDigest;

    /**
     * Adds the next key (a repeat of the previous one counts once).
     *
     * @return false, adding nothing, when {@code key} sorts before the previous key
     */
    public boolean add(String key) {
      if (previous != null) {
        int order = key.compareTo(previous);
        if (order <= 0) {
          return order == 0;
        }
      }
      previous = key;
      // Checked in order above: the digests need not check again.
      whole.append(key);
      total++;
      if (count > 1) {
        int bucket = ofKey(key);
        if (digests[bucket] == null) {
          digests[bucket] = new ReferenceSetDigest.Sorted();
        }
        digests[bucket].append(key);
        counts[bucket]++;
      }
      return true;
    }

    /** Distinct keys added. */
    public int count() {
      return total;
    }

    /** The digest of the whole set; no key may be added after. */
    public String digest() {
      if (wholeDigest == null) {
        wholeDigest = whole.digest();
      }
      return wholeDigest;
    }

    /** The non-empty buckets by number; no key may be added after. */
    public Map<Integer, Digest> buckets() {
      Map<Integer, Digest> out = new TreeMap<>();
      if (count == 1) {
        if (total > 0) {
          out.put(0, new Digest(total, digest()));
        }
        return out;
      }
      for (int i = 0; i < count; i++) {
        if (digests[i] != null) {
          out.put(i, new Digest(counts[i], digests[i].digest()));
        }
      }
      return out;
    }
  }

  /** An empty computation (see {@link Digests}). */
  public Digests digests() {
    return new Digests();
  }

  /** The digests of a set of {@link ReferenceSetDigest#key}s in any order. */
  public Digests digestsOfKeys(Collection<String> referenceKeys) {
    String[] keys = referenceKeys.toArray(new String[0]);
    Arrays.sort(keys);
    Digests digests = new Digests();
    for (String key : keys) {
      digests.add(key);
    }
    return digests;
  }
}
