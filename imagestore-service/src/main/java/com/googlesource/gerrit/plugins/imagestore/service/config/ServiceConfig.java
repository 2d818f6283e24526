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

import com.googlesource.gerrit.plugins.imagestore.diff.DiffLimits;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Settings of a running service. Every field has a default that works with no configuration at all:
 * loopback port 8080, data under {@code ./imagestore-data}, the embedded database.
 *
 * @param databaseUrl JDBC URL; null means the embedded H2 database under {@code dataDir}
 * @param orphanGracePeriod how long an image must have been unreferenced before a delete of orphans
 *     takes it
 * @param trashRetention how long a deleted image stays in the trash, restorable
 * @param trashPurgeInterval how often the service purges the trash of expired entries; zero: never
 * @param blobStore where image bytes live; local disk under {@code dataDir} by default
 * @param blobCacheBytes how many bytes of recently downloaded images are kept ready to serve; zero:
 *     none
 * @param diffConcurrency how many diffs are computed at once; zero: from the heap size and cores
 * @param diffMemoryBytes the memory (decoded bytes) all diffs computed at once may hold together,
 *     and so the most one diff may need; zero: half the heap
 * @param diffQueueTimeout how long a diff waits for its turn before the answer is 503
 * @param publicMetadata whether listings and reference metadata (projects, branches, commits,
 *     paths) may be read without an account; image bytes and diffs are public either way
 * @param loginLimits how many failed logins an address or an account may have in a window before
 *     further attempts are answered 429
 * @param accessLog the file that gets a line per request; null: no access log
 */
public record ServiceConfig(
    String bind,
    int port,
    Path dataDir,
    long maxImageBytes,
    long maxPixels,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    int databasePoolSize,
    Duration orphanGracePeriod,
    Duration trashRetention,
    Duration trashPurgeInterval,
    BlobStoreConfig blobStore,
    long blobCacheBytes,
    int diffConcurrency,
    long diffMemoryBytes,
    Duration diffQueueTimeout,
    boolean publicMetadata,
    LoginLimits loginLimits,
    Path accessLog) {

  /**
   * Failed logins allowed per client address and per account (from all addresses together) in a
   * window, before the service answers 429 without checking passwords.
   */
  public record LoginLimits(int perAddress, int perAccount, Duration window) {
    /** Ten guesses a minute from one address; fifty a minute at one account from everywhere. */
    public static final LoginLimits DEFAULT = new LoginLimits(10, 50, Duration.ofMinutes(1));

    public LoginLimits {
      if (perAddress < 1 || perAccount < 1 || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException(
            "login limits must be at least 1 failure in a window longer than zero");
      }
    }
  }

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "imagestore-data";
  public static final long DEFAULT_MAX_IMAGE_BYTES = 32L * 1024 * 1024;

  /** The diff engine's default: the command line compares within the same limit. */
  public static final long DEFAULT_MAX_PIXELS = DiffLimits.DEFAULT_MAX_PIXELS;

  public static final int DEFAULT_DATABASE_POOL_SIZE = 10;

  /** Long enough for a review that uploads images to be merged and indexed. */
  public static final Duration DEFAULT_ORPHAN_GRACE_PERIOD = Duration.ofDays(14);

  public static final Duration DEFAULT_TRASH_RETENTION = Duration.ofDays(30);
  public static final Duration DEFAULT_TRASH_PURGE_INTERVAL = Duration.ofHours(1);

  /**
   * Enough for every image of a few thousand-test suite; for local disk it is page cache mapped
   * once, for a bucket memory outside the heap.
   */
  public static final long DEFAULT_BLOB_CACHE_BYTES = 256L * 1024 * 1024;

  /** Long enough for a few diffs of large screenshots ahead; short enough to free the thread. */
  public static final Duration DEFAULT_DIFF_QUEUE_TIMEOUT = Duration.ofSeconds(10);

  public static ServiceConfig defaults() {
    return new ServiceConfig(
        DEFAULT_BIND,
        DEFAULT_PORT,
        Path.of(DEFAULT_DATA_DIR),
        DEFAULT_MAX_IMAGE_BYTES,
        DEFAULT_MAX_PIXELS,
        null,
        null,
        null,
        DEFAULT_DATABASE_POOL_SIZE,
        DEFAULT_ORPHAN_GRACE_PERIOD,
        DEFAULT_TRASH_RETENTION,
        DEFAULT_TRASH_PURGE_INTERVAL,
        BlobStoreConfig.local(),
        DEFAULT_BLOB_CACHE_BYTES,
        0,
        0,
        DEFAULT_DIFF_QUEUE_TIMEOUT,
        false,
        LoginLimits.DEFAULT,
        null);
  }

  public ServiceConfig withPort(int port) {
    return copy(b -> b.port = port);
  }

  public ServiceConfig withDataDir(Path dataDir) {
    return copy(b -> b.dataDir = dataDir);
  }

  public ServiceConfig withLimits(long maxImageBytes, long maxPixels) {
    return copy(
        b -> {
          b.maxImageBytes = maxImageBytes;
          b.maxPixels = maxPixels;
        });
  }

  /** The same settings with another metadata database (tests point replicas at one). */
  public ServiceConfig withDatabase(String url, String user, String password) {
    return copy(
        b -> {
          b.databaseUrl = url;
          b.databaseUser = user;
          b.databasePassword = password;
        });
  }

  public ServiceConfig withBlobStore(BlobStoreConfig blobStore) {
    return copy(b -> b.blobStore = blobStore);
  }

  public ServiceConfig withBlobCache(long blobCacheBytes) {
    return copy(b -> b.blobCacheBytes = blobCacheBytes);
  }

  /** Zero for {@code concurrency} or {@code memoryBytes}: derived from the heap. */
  public ServiceConfig withDiffCapacity(int concurrency, long memoryBytes, Duration queueTimeout) {
    return copy(
        b -> {
          b.diffConcurrency = concurrency;
          b.diffMemoryBytes = memoryBytes;
          b.diffQueueTimeout = queueTimeout;
        });
  }

  /** Whether listings and reference metadata may be read without an account. */
  public ServiceConfig withPublicMetadata(boolean publicMetadata) {
    return copy(b -> b.publicMetadata = publicMetadata);
  }

  public ServiceConfig withLoginLimits(LoginLimits loginLimits) {
    return copy(b -> b.loginLimits = loginLimits);
  }

  /** Null: no access log. */
  public ServiceConfig withAccessLog(Path accessLog) {
    return copy(b -> b.accessLog = accessLog);
  }

  public ServiceConfig withTrash(
      Duration orphanGracePeriod, Duration trashRetention, Duration trashPurgeInterval) {
    return copy(
        b -> {
          b.orphanGracePeriod = orphanGracePeriod;
          b.trashRetention = trashRetention;
          b.trashPurgeInterval = trashPurgeInterval;
        });
  }

  /** A copy with some settings changed: the record's components listed once, here. */
  private ServiceConfig copy(Consumer<Copy> change) {
    Copy b = new Copy();
    b.bind = bind;
    b.port = port;
    b.dataDir = dataDir;
    b.maxImageBytes = maxImageBytes;
    b.maxPixels = maxPixels;
    b.databaseUrl = databaseUrl;
    b.databaseUser = databaseUser;
    b.databasePassword = databasePassword;
    b.databasePoolSize = databasePoolSize;
    b.orphanGracePeriod = orphanGracePeriod;
    b.trashRetention = trashRetention;
    b.trashPurgeInterval = trashPurgeInterval;
    b.blobStore = blobStore;
    b.blobCacheBytes = blobCacheBytes;
    b.diffConcurrency = diffConcurrency;
    b.diffMemoryBytes = diffMemoryBytes;
    b.diffQueueTimeout = diffQueueTimeout;
    b.publicMetadata = publicMetadata;
    b.loginLimits = loginLimits;
    b.accessLog = accessLog;
    change.accept(b);
    return new ServiceConfig(
        b.bind,
        b.port,
        b.dataDir,
        b.maxImageBytes,
        b.maxPixels,
        b.databaseUrl,
        b.databaseUser,
        b.databasePassword,
        b.databasePoolSize,
        b.orphanGracePeriod,
        b.trashRetention,
        b.trashPurgeInterval,
        b.blobStore,
        b.blobCacheBytes,
        b.diffConcurrency,
        b.diffMemoryBytes,
        b.diffQueueTimeout,
        b.publicMetadata,
        b.loginLimits,
        b.accessLog);
  }

  /** The mutable twin of the record, for {@link #copy}. */
  private static final class Copy {
    String bind;
    int port;
    Path dataDir;
    long maxImageBytes;
    long maxPixels;
    String databaseUrl;
    String databaseUser;
    String databasePassword;
    int databasePoolSize;
    Duration orphanGracePeriod;
    Duration trashRetention;
    Duration trashPurgeInterval;
    BlobStoreConfig blobStore;
    long blobCacheBytes;
    int diffConcurrency;
    long diffMemoryBytes;
    Duration diffQueueTimeout;
    boolean publicMetadata;
    LoginLimits loginLimits;
    Path accessLog;
  }

  /** Whether the metadata database is the embedded one (no database URL configured). */
  public boolean embeddedDatabase() {
    return databaseUrl == null || databaseUrl.isBlank();
  }

  /** The JDBC URL to use: the configured one, or the embedded database's. */
  public String effectiveDatabaseUrl() {
    return databaseUrl != null && !databaseUrl.isBlank()
        ? databaseUrl
        : Database.embeddedUrl(dataDir);
  }

  @Override
  public String toString() {
    // Never print the database password.
    return "ServiceConfig[bind="
        + bind
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", maxImageBytes="
        + maxImageBytes
        + ", maxPixels="
        + maxPixels
        + ", database="
        + (databaseUrl == null ? "embedded" : "external")
        + ", orphanGracePeriod="
        + orphanGracePeriod
        + ", trashRetention="
        + trashRetention
        + ", trashPurgeInterval="
        + trashPurgeInterval
        + ", blobStore="
        + blobStore
        + ", blobCacheBytes="
        + blobCacheBytes
        + ", diffConcurrency="
        + diffConcurrency
        + ", diffMemoryBytes="
        + diffMemoryBytes
        + ", diffQueueTimeout="
        + diffQueueTimeout
        + ", publicMetadata="
        + publicMetadata
        + ", loginLimits="
        + loginLimits
        + ", accessLog="
        + accessLog
        + "]";
  }
}
