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

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identifier of an image: 32 lowercase hex digits, no dashes.
 *
 * <p>Uploaded images get the first 128 bits of their SHA-256 as identifier, so a client can write a
 * {@code .lnk} file before it uploads and re-uploads are idempotent.
 */
public final class ImageId implements Comparable<ImageId> {
  public static final Pattern PATTERN = Pattern.compile("^[0-9a-f]{32}$");

  private final String value;

  private ImageId(String value) {
    this.value = value;
  }

  /**
   * Parses an identifier; throws {@link IllegalArgumentException} unless it matches {@link
   * #PATTERN}.
   */
  public static ImageId of(String value) {
    if (!isValid(value)) {
      throw new IllegalArgumentException(
          "invalid image id '"
              + Abbreviate.forMessage(value)
              + "': expected 32 lowercase hex digits");
    }
    return new ImageId(value);
  }

  /** Whether {@code value} matches {@link #PATTERN}. */
  public static boolean isValid(String value) {
    return isLowerHex(value, 32);
  }

  /**
   * Whether {@code value} is {@code length} lowercase hex digits. A loop, not a regular expression:
   * every download and every reference of a streamed import checks ids (a regex match was 5 % of an
   * import's request thread).
   */
  public static boolean isLowerHex(String value, int length) {
    if (value == null || value.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char ch = value.charAt(i);
      if ((ch < '0' || ch > '9') && (ch < 'a' || ch > 'f')) {
        return false;
      }
    }
    return true;
  }

  /** The identifier derived from a SHA-256 given as 64 hex digits. */
  public static ImageId fromSha256(String sha256Hex) {
    if (sha256Hex == null || sha256Hex.length() != 64) {
      throw new IllegalArgumentException("expected a SHA-256 as 64 hex digits");
    }
    return of(sha256Hex.substring(0, 32).toLowerCase(java.util.Locale.ROOT));
  }

  /** The identifier derived from the image bytes. */
  public static ImageId forContent(byte[] content) {
    return fromSha256(sha256Hex(content));
  }

  public static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(newSha256().digest(content));
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public String value() {
    return value;
  }

  @Override
  public int compareTo(ImageId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageId other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
