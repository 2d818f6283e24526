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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.config.Durations;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffCapacity;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck;
import com.googlesource.gerrit.plugins.imagestore.service.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code serve}: runs the service until it is stopped (SIGINT/SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the image service.")
final class ServeCommand implements Callable<Integer> {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  @Mixin StoreOptions store;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_PORT,
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = ServiceConfig.DEFAULT_BIND,
      description =
          "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--max-image-bytes",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_MAX_IMAGE_BYTES,
      description = "Largest accepted upload in bytes (default: ${DEFAULT-VALUE}).")
  long maxImageBytes;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_MAX_PIXELS,
      description = "Most pixels (width x height) an image may have (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Option(
      names = "--orphan-grace-period",
      paramLabel = "AGE",
      defaultValue = "14d",
      converter = DurationConverter.class,
      description =
          "How long an image must have been unreferenced before deleting orphans takes it"
              + " (default: ${DEFAULT-VALUE}).")
  Duration orphanGracePeriod;

  @Option(
      names = "--trash-retention",
      paramLabel = "AGE",
      defaultValue = "30d",
      converter = DurationConverter.class,
      description =
          "How long a deleted image stays in the trash, restorable (default: ${DEFAULT-VALUE}).")
  Duration trashRetention;

  @Option(
      names = "--trash-purge-interval",
      paramLabel = "AGE",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description = "How often expired trash is purged; 0 never (default: ${DEFAULT-VALUE}).")
  Duration trashPurgeInterval;

  @Option(
      names = "--blob-cache-bytes",
      paramLabel = "N",
      defaultValue = "" + ServiceConfig.DEFAULT_BLOB_CACHE_BYTES,
      description =
          "Bytes of recently downloaded images kept ready to serve; 0 for none"
              + " (default: ${DEFAULT-VALUE}).")
  long blobCacheBytes;

  @Option(
      names = "--diff-concurrency",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Diffs computed at once; 0: half the cores, at most one per 512 MiB of heap"
              + " (default: ${DEFAULT-VALUE}).")
  int diffConcurrency;

  @Option(
      names = "--diff-memory-bytes",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Memory (decoded bytes) the diffs computed at once may hold together; a diff that needs"
              + " more is refused (422); 0: half the heap (default: ${DEFAULT-VALUE}).")
  long diffMemoryBytes;

  @Option(
      names = "--diff-queue-timeout",
      paramLabel = "AGE",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long a diff waits for its turn before the answer is 503 (default:"
              + " ${DEFAULT-VALUE}).")
  Duration diffQueueTimeout;

  @Option(
      names = "--public-metadata",
      paramLabel = "true|false",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Let anyone read listings and reference metadata (/images/, /images/{uuid}/info,"
              + " /orphans, /references); by default they need an account of any role. Image"
              + " bytes and diffs are public either way (default: ${DEFAULT-VALUE}).")
  boolean publicMetadata;

  @Option(
      names = "--login-failures-per-address",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Failed logins one client address (IPv6: /64) may have in a window; then 429 until the"
              + " window ends. Behind a proxy every client shares its address"
              + " (default: ${DEFAULT-VALUE}).")
  int loginFailuresPerAddress;

  @Option(
      names = "--login-failures-per-account",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "Failed logins one account may have in a window, from all addresses together; then 429"
              + " (default: ${DEFAULT-VALUE}).")
  int loginFailuresPerAccount;

  @Option(
      names = "--login-failure-window",
      paramLabel = "AGE",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "The window the login failures count in (default: ${DEFAULT-VALUE}).")
  Duration loginFailureWindow;

  @Option(
      names = "--access-log",
      paramLabel = "FILE",
      description =
          "Append a line per request to FILE: client address, account, time, request line,"
              + " status, bytes sent, referrer, user agent, milliseconds (NCSA combined format"
              + " and the time). A name containing yyyy_mm_dd gets a file per day (UTC), deleted"
              + " after 31 days; otherwise one file, for logrotate's copytruncate. Off by"
              + " default.")
  Path accessLog;

  /** Reads 14d, 12h, 30m, 45s, 3600 or P14D. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (blobCacheBytes < 0) {
      throw new ParameterException(spec.commandLine(), "--blob-cache-bytes must not be negative");
    }
    if (diffConcurrency < 0 || diffMemoryBytes < 0 || diffQueueTimeout.isNegative()) {
      throw new ParameterException(
          spec.commandLine(),
          "--diff-concurrency, --diff-memory-bytes and --diff-queue-timeout must not be negative");
    }
    ServiceConfig.LoginLimits loginLimits;
    try {
      loginLimits =
          new ServiceConfig.LoginLimits(
              loginFailuresPerAddress, loginFailuresPerAccount, loginFailureWindow);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ServiceConfig config =
        store
            .toConfig(bind, port, maxImageBytes, maxPixels)
            .withTrash(orphanGracePeriod, trashRetention, trashPurgeInterval)
            .withBlobCache(blobCacheBytes)
            .withDiffCapacity(diffConcurrency, diffMemoryBytes, diffQueueTimeout)
            .withPublicMetadata(publicMetadata)
            .withLoginLimits(loginLimits)
            .withAccessLog(accessLog);
    Imagestore imagestore = Imagestore.open(config);
    // H2 stops the embedded database for good when a write to its file fails: only a restart,
    // which reads the file as after a kill, brings it back. Exit (on a thread of its own: the
    // shutdown waits for requests, the one that found the stop among them) so that whatever runs
    // the service restarts it, rather than answer 503 until someone does.
    imagestore
        .database()
        .whenStopped(
            cause ->
                new Thread(
                        () -> System.exit(ImagestoreCommand.EXIT_DATABASE_STOPPED),
                        "imagestore-database-stopped")
                    .start());
    logger.atInfo().log("diffs: %s", DiffCapacity.of(config));
    // What a crash may have left: notes of uploads it cut (moved out of the spool of stopped
    // processes when the store opened), deletions to finish, uploads abandoned long ago. The full
    // check is `imagestore fsck`.
    imagestore.consistency().fast(ConsistencyCheck.DEFAULT_GRACE);
    imagestore.startTrashPurge();
    HttpServer server = HttpServer.start(imagestore);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  logger.atInfo().log("stopping");
                  try {
                    server.close();
                  } catch (Exception e) {
                    logger.atWarning().withCause(e).log("stopping the HTTP server failed");
                  }
                  imagestore.close();
                  stopped.countDown();
                },
                "imagestore-shutdown"));
    // The line scripts and tests wait for; it names the real port when --port was 0.
    System.out.println("imagestore listening on " + server.url());
    System.out.flush();
    server.join();
    stopped.await();
    return 0;
  }
}
