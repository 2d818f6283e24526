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

package com.googlesource.gerrit.plugins.imagestore.service.blob.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.http.HttpTransportOptions;
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
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreUnavailableException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 *
 * <p>Outages: every call is bounded ({@link Limits#DEFAULT}): timeouts on each HTTP exchange, and a
 * bounded number of retries with jittered exponential back-off within a total time. A failure that
 * outlasts them and passes by itself (5xx, 429, 408, timeouts, refused or dropped connections) is
 * thrown as {@link BlobStoreUnavailableException}, which the service answers 503; others (403 from
 * a missing permission, say) as plain {@link IOException}.
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
   * How long the client waits and how often it tries.
   *
   * @param connectTimeout opening a connection
   * @param readTimeout waiting for the next bytes of an answer (GCS may take a few seconds to
   *     finalize a large object)
   * @param maxAttempts attempts of one call in all, the first included
   * @param initialBackoff the pause before the first retry; each further pause doubles (with
   *     jitter), up to {@code maxBackoff}
   * @param totalTimeout no retry starts after this much time since the call began
   */
  public record Limits(
      Duration connectTimeout,
      Duration readTimeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration totalTimeout) {
    /**
     * A call that keeps failing fast (503, 429) gives up after 5 attempts, about 3 s of pauses; one
     * that keeps timing out after at most {@code totalTimeout} plus one {@code readTimeout}, 50 s.
     * The library's defaults (6 attempts, 50 s in all, 20 s timeouts, pauses growing to 32 s) would
     * hold a request for over a minute and a half.
     */
    public static final Limits DEFAULT =
        new Limits(
            Duration.ofSeconds(5),
            Duration.ofSeconds(20),
            5,
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    RetrySettings retrySettings() {
      return RetrySettings.newBuilder()
          .setMaxAttempts(maxAttempts)
          .setInitialRetryDelayDuration(initialBackoff)
          .setRetryDelayMultiplier(2.0)
          .setMaxRetryDelayDuration(maxBackoff)
          .setTotalTimeoutDuration(totalTimeout)
          .setJittered(true)
          .build();
    }

    HttpTransportOptions transportOptions() {
      return HttpTransportOptions.newBuilder()
          .setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()))
          .setReadTimeout(Math.toIntExact(readTimeout.toMillis()))
          .build();
    }
  }

  /**
   * A store on the real service (or, with {@code host}, on a server speaking its JSON API: an
   * emulator), over HTTP.
   *
   * @param keyFile a service account key file; null for Application Default Credentials ({@code
   *     GOOGLE_APPLICATION_CREDENTIALS}, gcloud's login, or the metadata server), or for none at
   *     all when {@code host} is given
   * @param host e.g. {@code http://127.0.0.1:4443}; null for Google's endpoint
   */
  public static GcsBlobStore connect(String bucket, String prefix, Path keyFile, String host)
      throws IOException {
    Credentials credentials;
    if (keyFile == null) {
      credentials =
          host == null ? GoogleCredentials.getApplicationDefault() : NoCredentials.getInstance();
    } else {
      try (InputStream in = Files.newInputStream(keyFile)) {
        credentials = ServiceAccountCredentials.fromStream(in);
      } catch (IOException e) {
        // The message names the file, never its content.
        throw new IOException("cannot read the GCS key file " + keyFile + ": " + e.getMessage(), e);
      }
    }
    return new GcsBlobStore(httpStorage(credentials, host, Limits.DEFAULT), bucket, prefix);
  }

  /** The JSON API client; {@code host} null means Google's endpoint (tests pass a local one). */
  static Storage httpStorage(Credentials credentials, String host) {
    return httpStorage(credentials, host, Limits.DEFAULT);
  }

  /** The JSON API client with {@code limits}; {@code host} as for {@link #connect}. */
  static Storage httpStorage(Credentials credentials, String host, Limits limits) {
    HttpStorageOptions.Builder options =
        StorageOptions.http()
            .setCredentials(credentials)
            .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
            .setRetrySettings(limits.retrySettings())
            .setTransportOptions(limits.transportOptions());
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
      throw failure("checking", sha256, e);
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
      IOException failure = failure("storing", sha256, e);
      // The answer to the finalizing request may be what was lost (the client does not retry a
      // connection dropped in the middle of it): the object is there then, complete, as uploads
      // are atomic and the key names the content.
      if (failure instanceof BlobStoreUnavailableException && existsAfter(failure, sha256)) {
        return;
      }
      throw failure;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    ReadChannel channel = storage.reader(idOf(sha256));
    channel.setChunkSize(CHUNK_BYTES);
    PushbackInputStream in =
        new PushbackInputStream(new Translating(Channels.newInputStream(channel), sha256), 1);
    try {
      // Read one byte now, so a missing object is an empty answer here rather than a failure in
      // the middle of a response.
      int first = in.read();
      if (first >= 0) {
        in.unread(first);
      }
      return Optional.of(in);
    } catch (IOException e) {
      in.close();
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw e; // as Translating reported it
    }
  }

  private boolean existsAfter(IOException failure, String sha256) {
    try {
      return exists(sha256);
    } catch (IOException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  /**
   * The object's bytes, with a failure on the way (after the client's own retries, which resume
   * where the bytes broke off) thrown as {@link #failure}, so that an outage in the middle of a
   * read is reported as one.
   */
  private static final class Translating extends FilterInputStream {
    private final String sha256;

    Translating(InputStream in, String sha256) {
      super(in);
      this.sha256 = sha256;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | StorageException e) {
        throw translated(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | StorageException e) {
        throw translated(e);
      }
    }

    private IOException translated(Exception e) {
      // A 404 (the object deleted meanwhile) stays in the causes, for open() to see.
      return e instanceof BlobStoreUnavailableException u ? u : failure("reading", sha256, e);
    }
  }

  /**
   * {@code e} as thrown to the caller: {@link BlobStoreUnavailableException} when it is an outage
   * (after the client's retries), else a plain {@link IOException}.
   */
  private static IOException failure(String doing, String sha256, Exception e) {
    String message = "GCS: " + doing + " " + sha256 + " failed: " + e.getMessage();
    return isOutage(e)
        ? new BlobStoreUnavailableException(message, e)
        : new IOException(message, e);
  }

  /**
   * Whether GCS was unreachable or answered that it cannot serve now: no HTTP answer at all (code
   * 0: a timeout, a refused or dropped connection), 408, 429 or 5xx.
   */
  static boolean isOutage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StorageException se) {
        int code = se.getCode();
        return code == 0 || code == 408 || code == 429 || code >= 500;
      }
    }
    return e instanceof IOException; // the reader's channel: a transport failure
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
      throw failure("deleting", sha256, e);
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
      throw failure("listing", shaPrefix + "*", e);
    }
  }

  @Override
  public String describe() {
    return "Google Cloud Storage gs://" + bucket + "/" + prefix;
  }
}
