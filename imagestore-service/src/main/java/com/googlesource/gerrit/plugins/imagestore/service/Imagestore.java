package com.googlesource.gerrit.plugins.imagestore.service;

import com.googlesource.gerrit.plugins.imagestore.service.auth.UserService;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.local.LocalBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffRepository;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffService;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.MeteredBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.OrphanService;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceRepository;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The service's parts wired together: storage, metadata, and the domain services on top. */
public final class Imagestore implements AutoCloseable {
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

  private Imagestore(ServiceConfig config, Database db, LocalBlobStore localBlobs, Clock clock) {
    this.config = config;
    this.db = db;
    this.blobs = new MeteredBlobStore(localBlobs, metrics);
    this.tmpDir = localBlobs.tmpDir();
    ImageRepository imageRepo = new ImageRepository();
    ReferenceRepository refRepo = new ReferenceRepository();
    this.images = new ImageService(db, blobs, imageRepo, refRepo, clock);
    this.references = new ReferenceService(db, refRepo, imageRepo, clock);
    this.runtimes = new RuntimeService(db, clock);
    this.orphans = new OrphanService(db, imageRepo, refRepo, images, clock);
    this.users = new UserService(db, clock);
    this.diffs = new DiffService(db, blobs, images, new DiffRepository(), tmpDir, clock);
    metrics.imageCounts(orphans::counts);
  }

  /** Opens the stores named by {@code config}, creating and migrating them when needed. */
  public static Imagestore open(ServiceConfig config) throws IOException {
    return open(config, Clock.systemUTC());
  }

  public static Imagestore open(ServiceConfig config, Clock clock) throws IOException {
    Path data = config.dataDir().toAbsolutePath();
    Files.createDirectories(data);
    LocalBlobStore blobs = new LocalBlobStore(data.resolve("blobs"));
    Database db =
        Database.open(
            config.effectiveDatabaseUrl(),
            config.databaseUser(),
            config.databasePassword(),
            config.databasePoolSize());
    return new Imagestore(config, db, blobs, clock);
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

  @Override
  public void close() {
    db.close();
  }
}
