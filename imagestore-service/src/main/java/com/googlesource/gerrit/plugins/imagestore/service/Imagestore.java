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

package com.googlesource.gerrit.plugins.imagestore.service;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditLog;
import com.googlesource.gerrit.plugins.imagestore.service.auth.UserService;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.SpoolDirectory;
import com.googlesource.gerrit.plugins.imagestore.service.blob.cache.CachingBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.local.LocalBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.config.BlobStoreConfig;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.db.EmbeddedDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffCapacity;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffRepository;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffService;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.images.RecentLookups;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.MeteredBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceRepository;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashRepository;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The service's parts wired together: storage, metadata, and the domain services on top. */
public final class Imagestore implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final ServiceConfig config;
  private final Database db;
  private final BlobStore blobs;
  private final Path tmpDir;
  private final ImageService images;
  private final ReferenceService references;
  private final RuntimeService runtimes;
  private final OrphanService orphans;
  private final UserService users;
  private final DiffService diffs;
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final TrashService trash;
  private final AuditLog audit;
  private final Contents contents;
  private final SpoolDirectory spool;
  private final ConsistencyCheck consistency;
  private ScheduledExecutorService purger;

  private Imagestore(
      ServiceConfig config, Database db, BlobStore backend, SpoolDirectory spool, Clock clock) {
    this.config = config;
    this.spool = spool;
    this.tmpDir = spool.path();
    this.db = db;
    // Every part uses the metered store, so failures of any backend are counted.
    BlobStore cached = backend;
    if (config.blobCacheBytes() > 0) {
      CachingBlobStore cache =
          new CachingBlobStore(backend, config.blobCacheBytes(), ImageService.MAX_HELD_BYTES);
      metrics.blobCache(cache::hits, cache::misses, cache::heldBytes);
      cached = cache;
    }
    this.blobs = new MeteredBlobStore(cached, metrics);
    ImageRepository imageRepo = new ImageRepository();
    ReferenceRepository refRepo = new ReferenceRepository();
    TrashRepository trashRepo = new TrashRepository();
    RecentLookups recentLookups = new RecentLookups();
    this.contents = new Contents(db, blobs, new ContentRepository(), spool, clock);
    this.audit = new AuditLog(db);
    this.trash =
        new TrashService(
            db,
            blobs,
            contents,
            imageRepo,
            refRepo,
            trashRepo,
            audit,
            recentLookups,
            config.orphanGracePeriod(),
            config.trashRetention(),
            clock);
    this.images =
        new ImageService(
            db, blobs, imageRepo, refRepo, trash, contents, recentLookups, audit, clock);
    this.references = new ReferenceService(db, refRepo, imageRepo, trash, clock);
    this.runtimes = new RuntimeService(db, clock);
    this.orphans = new OrphanService(db, imageRepo, refRepo, images, trash, clock);
    this.users = new UserService(db, clock);
    this.diffs =
        new DiffService(
            db, blobs, images, new DiffRepository(), tmpDir, clock, DiffCapacity.of(config));
    metrics.imageCounts(orphans::counts);
    metrics.referenceImports(
        () -> references.importProgress().running(), () -> references.importProgress().inserted());
    metrics.bulkProgress(
        "imagestore_orphan_recompute",
        "images",
        "the recomputation of the orphan marks (POST /orphans; 2 visits per image)",
        orphans::recomputeProgress);
    metrics.bulkProgress(
        "imagestore_orphan_cleanup",
        "images",
        "a cleanup of orphans into the trash (POST /orphans/trash)",
        orphans::cleanupProgress);
    metrics.bulkProgress(
        "imagestore_trash_purge",
        "entries",
        "a purge of the trash (POST /trash/purge)",
        trash::purgeProgress);
    this.consistency =
        new ConsistencyCheck(db, contents, imageRepo, spool.path().getParent(), clock);
  }

  /** Opens the stores named by {@code config}, creating and migrating them when needed. */
  public static Imagestore open(ServiceConfig config) throws IOException {
    return open(config, Clock.systemUTC());
  }

  public static Imagestore open(ServiceConfig config, Clock clock) throws IOException {
    return open(config, clock, true);
  }

  /**
   * Opens the stores for {@code fsck}: like {@link #open}, but what dead processes left in the
   * spool stays for the check to report (and remove, when it repairs).
   */
  public static Imagestore openForCheck(ServiceConfig config) throws IOException {
    return open(config, Clock.systemUTC(), false);
  }

  private static Imagestore open(ServiceConfig config, Clock clock, boolean cleanSpool)
      throws IOException {
    Path data = config.dataDir().toAbsolutePath();
    Files.createDirectories(data);
    // Private: the embedded database, the blobs and the spool are nobody else's to read.
    EmbeddedDatabase.makePrivateDirectory(data);
    BlobStoreConfig blobConfig = config.blobStore();
    BlobStore blobs;
    Path spoolBase;
    if (blobConfig.kind() == BlobStoreConfig.Kind.GCS) {
      blobs =
          GcsBlobStore.connect(
              blobConfig.gcsBucket(),
              blobConfig.gcsPrefix(),
              blobConfig.gcsCredentials(),
              blobConfig.gcsHost());
      spoolBase = data.resolve("tmp");
    } else {
      LocalBlobStore local = new LocalBlobStore(data.resolve("blobs"));
      blobs = local;
      // Uploads are spooled beside the blobs, on the same disk, so they can be linked into place.
      spoolBase = local.tmpDir();
    }
    SpoolDirectory spool = SpoolDirectory.open(spoolBase, cleanSpool);
    try {
      Database db;
      if (config.embeddedDatabase()) {
        EmbeddedDatabase.Credentials credentials = EmbeddedDatabase.prepare(data);
        db =
            Database.open(
                config.effectiveDatabaseUrl(),
                credentials.user(),
                credentials.password(),
                config.databasePoolSize());
        EmbeddedDatabase.restrictFiles(data);
      } else {
        db =
            Database.open(
                config.effectiveDatabaseUrl(),
                config.databaseUser(),
                config.databasePassword(),
                config.databasePoolSize());
      }
      return new Imagestore(config, db, blobs, spool, clock);
    } catch (RuntimeException e) {
      spool.close();
      throw e;
    }
  }

  public ServiceConfig config() {
    return config;
  }

  public Database database() {
    return db;
  }

  public BlobStore blobs() {
    return blobs;
  }

  /** Where uploads are spooled before they are checked and stored. */
  public Path tmpDir() {
    return tmpDir;
  }

  public ImageService images() {
    return images;
  }

  public ReferenceService references() {
    return references;
  }

  public RuntimeService runtimes() {
    return runtimes;
  }

  public OrphanService orphans() {
    return orphans;
  }

  public UserService users() {
    return users;
  }

  public DiffService diffs() {
    return diffs;
  }

  public ServiceMetrics metrics() {
    return metrics;
  }

  public TrashService trash() {
    return trash;
  }

  public AuditLog audit() {
    return audit;
  }

  public Contents contents() {
    return contents;
  }

  /** The consistency check ({@code fsck}), over this store's database, blobs and spool. */
  public ConsistencyCheck consistency() {
    return consistency;
  }

  /**
   * Starts purging expired trash every {@code trashPurgeInterval} (first after a minute at most, so
   * a service that restarts often still purges); nothing when the interval is zero.
   */
  public synchronized void startTrashPurge() {
    Duration every = config.trashPurgeInterval();
    if (purger != null || every.isZero()) {
      return;
    }
    purger =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "imagestore-trash-purge");
              t.setDaemon(true);
              return t;
            });
    long period = every.toMillis();
    purger.scheduleWithFixedDelay(
        this::purgeExpiredTrash,
        Math.min(period, Duration.ofMinutes(1).toMillis()),
        period,
        TimeUnit.MILLISECONDS);
  }

  private void purgeExpiredTrash() {
    try {
      int purged = trash.purgeExpired();
      if (purged > 0) {
        logger.atInfo().log("purged %d expired trash entries", purged);
      }
      // Deletions that failed (the blob store unreachable) or that a crash of any replica
      // interrupted are finished here; uploads abandoned for an hour are freed.
      consistency.sweep();
    } catch (RuntimeException e) {
      // Tried again at the next run; an exception would end the schedule.
      logger.atWarning().withCause(e).log("purging the trash failed");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (purger != null) {
        purger.shutdownNow();
        try {
          purger.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    db.close();
    spool.close();
  }
}
