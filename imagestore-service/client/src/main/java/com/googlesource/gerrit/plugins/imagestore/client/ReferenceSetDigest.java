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

import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;

/**
 * A fingerprint of a set of references, computed the same way by the plugin (over what it scanned)
 * and by the service (over what it stores), so a reconcile that finds nothing changed need not send
 * the whole set.
 *
 * <p>It covers what identifies a stored reference: branch, path and uuid (a reference keeps the
 * first commit seen, so the commit is not part of it). Duplicates count once; order does not
 * matter.
 */
public final class ReferenceSetDigest {
  private ReferenceSetDigest() {}

  /** SHA-256 (lowercase hex) of the distinct keys, sorted, each followed by a newline. */
  public static String of(Collection<ReferenceInfo> references) {
    return ofKeys(references.stream().map(r -> key(r.branch, r.path, r.uuid)).toList());
  }

  /** What identifies a stored reference within its project. */
  public static String key(String branch, String path, String uuid) {
    return branch + '\0' + path + '\0' + uuid;
  }

  /** Like {@link #of}, over the {@link #key}s of the references (the service's own records). */
  public static String ofKeys(Collection<String> referenceKeys) {
    String[] keys = referenceKeys.toArray(new String[0]);
    Arrays.sort(keys);
    Sorted digest = new Sorted();
    for (String key : keys) {
      digest.add(key);
    }
    return digest.digest();
  }

  /**
   * The digest of keys given one at a time in ascending order ({@link String#compareTo}), holding
   * none of them: for a set read from a database in that order, however large.
   */
  public static final class Sorted {
    private final MessageDigest sha256 = sha256();
    private String previous;

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
      append(key);
      return true;
    }

    /** Adds {@code key}, which the caller has checked sorts after the previous one. */
    void append(String key) {
      sha256.update(key.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
      previous = key;
    }

    /** The digest of the keys added (once: it resets the computation). */
    public String digest() {
      return HexFormat.of().formatHex(sha256.digest());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
