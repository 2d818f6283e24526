package com.googlesource.gerrit.plugins.imagestore.service.blob.gcs;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import com.google.common.util.concurrent.Striped;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Blobs as objects in a Google Cloud Storage bucket: {@code gs://<bucket>/<prefix><sha256>}.
 *
 * <p>Only the JSON API over HTTP is used ({@link StorageOptions#http()}); the gRPC transport and
 * its artifacts are not on the class path.
 *
 * <p>Atomicity: a GCS object write is atomic. An upload becomes visible only when it is finalized,
 * complete; a reader sees all the bytes of an object or none, never a partial object.
 *
 * <p>Concurrency: keys are content hashes, so two writers of one key upload the same bytes, and
 * whichever finalizes last leaves an identical object. Nothing here relies on preconditions ({@code
 * ifGenerationMatch}); for the same reason every call may be retried, uploads included, which the
 * uniform retry strategy does. Whether an object may be deleted is decided by the caller under a
 * database lock (see {@code ImageService}).
 *
 * <p>Memory: uploads stream from the spooled file in chunks of {@link #CHUNK_BYTES}, reads stream
 * through a {@link ReadChannel}; an image is never held in memory whole.
 */
public final class GcsBlobStore implements BlobStore {
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

  /** Upload and read buffer: a multiple of 256 KiB, as resumable uploads need. */
  static final int CHUNK_BYTES = 2 * 1024 * 1024;

  private final Storage storage;
  private final String bucket;
  private final String prefix;
  private final Striped<Lock> uploads = Striped.lock(64);

  /**
   * @param prefix object name prefix, empty or ending in '/'
   */
  public GcsBlobStore(Storage storage, String bucket, String prefix) {
    this.storage = storage;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
  }

  /**
   * A store on the real service, over HTTP.
   *
   * @param keyFile a service account key file; null for Application Default Credentials ({@code
   *     GOOGLE_APPLICATION_CREDENTIALS}, gcloud's login, or the metadata server)
   */
  public static GcsBlobStore connect(String bucket, String prefix, Path keyFile)
      throws IOException {
    GoogleCredentials credentials;
    if (keyFile == null) {
      credentials = GoogleCredentials.getApplicationDefault();
    } else {
      try (InputStream in = Files.newInputStream(keyFile)) {
        credentials = ServiceAccountCredentials.fromStream(in);
      } catch (IOException e) {
        // The message names the file, never its content.
        throw new IOException("cannot read the GCS key file " + keyFile + ": " + e.getMessage(), e);
      }
    }
    return new GcsBlobStore(httpStorage(credentials, null), bucket, prefix);
  }

  /** The JSON API client; {@code host} null means Google's endpoint (tests pass a local one). */
  static Storage httpStorage(Credentials credentials, String host) {
    HttpStorageOptions.Builder options =
        StorageOptions.http()
            .setCredentials(credentials)
            .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy());
    if (host != null) {
      options.setHost(host).setProjectId("imagestore-test");
    }
    return options.build().getService();
  }

  private BlobId idOf(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    return BlobId.of(bucket, prefix + sha256);
  }

  @Override
  public boolean exists(String sha256) throws IOException {
    try {
      return storage.get(idOf(sha256)) != null;
    } catch (StorageException e) {
      throw new IOException("GCS: checking " + sha256 + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String sha256, Path file) throws IOException {
    BlobId id = idOf(sha256);
    // Within this process one upload per key at a time: a second writer waits and then finds the
    // object instead of sending the same bytes again. Across processes GCS settles it.
    Lock lock = uploads.get(sha256);
    lock.lock();
    try {
      if (exists(sha256)) {
        return;
      }
      // Streams the file in chunks; the object appears when the upload is finalized, complete.
      storage.createFrom(BlobInfo.newBuilder(id).build(), file, CHUNK_BYTES);
    } catch (StorageException e) {
      throw new IOException("GCS: storing " + sha256 + " failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    ReadChannel channel = storage.reader(idOf(sha256));
    channel.setChunkSize(CHUNK_BYTES);
    PushbackInputStream in = new PushbackInputStream(Channels.newInputStream(channel), 1);
    try {
      // Read one byte now, so a missing object is an empty answer here rather than a failure in
      // the middle of a response.
      int first = in.read();
      if (first >= 0) {
        in.unread(first);
      }
      return Optional.of(in);
    } catch (IOException | StorageException e) {
      in.close();
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw new IOException("GCS: reading " + sha256 + " failed: " + e.getMessage(), e);
    }
  }

  private static boolean isNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StorageException se && se.getCode() == 404) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    try {
      return storage.delete(idOf(sha256));
    } catch (StorageException e) {
      throw new IOException("GCS: deleting " + sha256 + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void list(String shaPrefix, Consumer<StoredBlob> visitor) throws IOException {
    try {
      for (Blob blob :
          storage
              .list(
                  bucket,
                  Storage.BlobListOption.prefix(prefix + shaPrefix),
                  Storage.BlobListOption.fields(
                      Storage.BlobField.NAME, Storage.BlobField.SIZE, Storage.BlobField.UPDATED))
              .iterateAll()) {
        String key = blob.getName().substring(prefix.length());
        if (SHA256.matcher(key).matches()) {
          OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
          visitor.accept(
              new StoredBlob(
                  key,
                  blob.getSize() == null ? 0 : blob.getSize(),
                  updated == null ? Instant.EPOCH : updated.toInstant()));
        }
      }
    } catch (StorageException e) {
      throw new IOException("GCS: listing " + shaPrefix + "* failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "Google Cloud Storage gs://" + bucket + "/" + prefix;
  }
}
