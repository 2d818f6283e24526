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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreUnavailableException;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database.DatabaseException;
import java.io.IOException;

/**
 * A failure that is an outage of something the service depends on, not a bug: the answer is 503
 * with {@code Retry-After} and a stable error code, so clients (the plugin's outbox, UIVeri5's
 * uploads through a retrying proxy, scripts) wait and try again.
 *
 * @param code the JSON error code
 * @param what what is unavailable, for the message
 * @param retryAfterSeconds the {@code Retry-After} value
 */
record Unavailable(String code, String what, int retryAfterSeconds) {
  static final Unavailable DATABASE = new Unavailable("database_unavailable", "the database", 5);

  /**
   * The blob store has already retried within its own bounds before giving up, so the client waits
   * a little longer.
   */
  static final Unavailable BLOB_STORE =
      new Unavailable("blob_store_unavailable", "the blob store", 10);

  /**
   * The local disk (spool or blob directory) is full: nothing was recorded, and space may come back
   * (the trash purge, an operator), so the client waits rather than failing for good.
   */
  static final Unavailable DISK_FULL = new Unavailable("storage_full", "storage space", 60);

  /** The outage {@code e} (or one of its causes) reports, or null when it is no outage. */
  static Unavailable of(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException d && d.unavailable()) {
        return DATABASE;
      }
      if (t instanceof BlobStoreUnavailableException) {
        return BLOB_STORE;
      }
      if (t instanceof IOException && isDiskFull(t.getMessage())) {
        return DISK_FULL;
      }
    }
    return null;
  }

  /** ENOSPC and EDQUOT, as the JDK words them on Linux. */
  private static boolean isDiskFull(String message) {
    return message != null
        && (message.contains("No space left on device") || message.contains("Disk quota exceeded"));
  }

  String message(String incident) {
    return what + " is unavailable; try again later (incident " + incident + ")";
  }
}
