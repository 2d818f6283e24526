package com.googlesource.gerrit.plugins.imagestore.service;

import com.googlesource.gerrit.plugins.imagestore.service.auth.UserService;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.local.LocalBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.config.BlobStoreConfig;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffRepository;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffService;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
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

  private Imagestore(ServiceConfig config, Database db, BlobStore blobs, Path tmpDir, Clock clock) {
    this.config = config;
    this.db = db;
    this.blobs = blobs;
    this.tmpDir = tmpDir;
    ImageRepository imageRepo = new ImageRepository();
    ReferenceRepository refRepo = new ReferenceRepository();
    this.images = new ImageService(db, blobs, imageRepo, refRepo, clock);
    this.references = new ReferenceService(db, refRepo, imageRepo, clock);
    this.runtimes = new RuntimeService(db, clock);
    this.orphans = new OrphanService(db, imageRepo, refRepo, images, clock);
    this.users = new UserService(db, clock);
    this.diffs = new DiffService(db, blobs, images, new DiffRepository(), tmpDir, clock);
  }

  /** Opens the stores named by {@code config}, creating and migrating them when needed. */
  public static Imagestore open(ServiceConfig config) throws IOException {
    return open(config, Clock.systemUTC());
  }

  public static Imagestore open(ServiceConfig config, Clock clock) throws IOException {
    Path data = config.dataDir().toAbsolutePath();
    Files.createDirectories(data);
    BlobStoreConfig blobConfig = config.blobStore();
    BlobStore blobs;
    Path tmpDir;
    if (blobConfig.kind() == BlobStoreConfig.Kind.GCS) {
      blobs =
          GcsBlobStore.connect(
              blobConfig.gcsBucket(), blobConfig.gcsPrefix(), blobConfig.gcsCredentials());
      tmpDir = Files.createDirectories(data.resolve("tmp"));
    } else {
      LocalBlobStore local = new LocalBlobStore(data.resolve("blobs"));
      blobs = local;
      // Uploads are spooled beside the blobs, on the same disk.
      tmpDir = local.tmpDir();
    }
    Database db =
        Database.open(
            config.effectiveDatabaseUrl(),
            config.databaseUser(),
            config.databasePassword(),
            config.databasePoolSize());
    return new Imagestore(config, db, blobs, tmpDir, clock);
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

  @Override
  public void close() {
    db.close();
  }
}
