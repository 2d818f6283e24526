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

package com.googlesource.gerrit.plugins.imagestore.service.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where image bytes live: local disk under the data directory (the default), or a Google Cloud
 * Storage bucket.
 *
 * @param gcsPrefix object name prefix inside the bucket, empty or ending in '/'
 * @param gcsCredentials a service account key file; null means Application Default Credentials (or
 *     no credentials at all with {@code gcsHost})
 * @param gcsHost the JSON API endpoint, e.g. {@code http://127.0.0.1:4443} for an emulator; null
 *     means Google's
 */
public record BlobStoreConfig(
    Kind kind, String gcsBucket, String gcsPrefix, Path gcsCredentials, String gcsHost) {
  public enum Kind {
    LOCAL,
    GCS;

    /** {@code local} or {@code gcs}, as given on the command line. */
    public static Kind parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("blob store must be 'local' or 'gcs', not '" + s + "'");
      }
    }
  }

  // GCS bucket names: 3 to 63 characters per dot-separated part, 222 in all.
  private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$");

  public BlobStoreConfig {
    if (kind == Kind.GCS) {
      if (gcsBucket == null || gcsBucket.isBlank()) {
        throw new IllegalArgumentException("the gcs blob store needs a bucket (--gcs-bucket)");
      }
      if (!BUCKET.matcher(gcsBucket).matches()) {
        throw new IllegalArgumentException("'" + gcsBucket + "' is not a valid GCS bucket name");
      }
      gcsPrefix = normalizePrefix(gcsPrefix);
      if (gcsHost != null && gcsHost.isBlank()) {
        gcsHost = null;
      }
      if (gcsHost != null && !HOST.matcher(gcsHost).matches()) {
        throw new IllegalArgumentException(
            "the GCS host must be http(s)://HOST[:PORT], not '" + gcsHost + "'");
      }
    }
  }

  private static final Pattern HOST = Pattern.compile("^https?://[^/?#@\\s]+/?$");

  public static BlobStoreConfig local() {
    return new BlobStoreConfig(Kind.LOCAL, null, null, null, null);
  }

  public static BlobStoreConfig gcs(String bucket, String prefix, Path credentials) {
    return new BlobStoreConfig(Kind.GCS, bucket, prefix, credentials, null);
  }

  /** The same bucket on another endpoint ({@code --gcs-host}). */
  public BlobStoreConfig withGcsHost(String host) {
    return new BlobStoreConfig(kind, gcsBucket, gcsPrefix, gcsCredentials, host);
  }

  /** "" stays "", "images" and "/images/" become "images/". */
  static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      return "";
    }
    return p.endsWith("/") ? p : p + "/";
  }

  @Override
  public String toString() {
    return kind == Kind.LOCAL
        ? "local"
        : "gs://"
            + gcsBucket
            + "/"
            + gcsPrefix
            + (gcsHost == null ? "" : " at " + gcsHost)
            + (gcsCredentials == null
                ? (gcsHost == null ? " (default credentials)" : " (no credentials)")
                : " (key file)");
  }
}
