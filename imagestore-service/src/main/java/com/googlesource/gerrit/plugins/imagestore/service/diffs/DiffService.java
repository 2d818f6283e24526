package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.service.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.service.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.service.diff.UndecodableImageException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Comparisons of stored images, computed once: the figures go to the {@code diffs} table, the diff
 * picture to the blob store. Images with identical bytes are equal without being read.
 *
 * <p>Requests for a pair being computed in this process wait for that computation instead of
 * starting their own. Replicas may compute the same pair at once; both store the same bytes and
 * figures, and the second row insert does nothing.
 */
public final class DiffService {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final Database db;
  private final BlobStore blobs;
  private final ImageService images;
  private final DiffRepository diffs;
  private final Path tmpDir;
  private final Clock clock;
  private final ConcurrentHashMap<DiffKey, CompletableFuture<DiffRecord>> running =
      new ConcurrentHashMap<>();

  /**
   * Computations at once: each already uses every core, and holds both images decoded (16 bytes a
   * pixel); more at a time would only add memory.
   */
  private final Semaphore computing =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);

  public DiffService(
      Database db,
      BlobStore blobs,
      ImageService images,
      DiffRepository diffs,
      Path tmpDir,
      Clock clock) {
    this.db = db;
    this.blobs = blobs;
    this.images = images;
    this.diffs = diffs;
    this.tmpDir = tmpDir;
    this.clock = clock;
  }

  /**
   * The figures of comparing image {@code a} with {@code b}.
   *
   * @throws RequestException 404 naming a missing image, 422 when one cannot be decoded
   */
  public DiffResult figures(ImageId a, ImageId b, DiffOptions options) {
    Pair pair = find(a, b);
    if (pair.a().sha256().equals(pair.b().sha256())) {
      return ImageDiffer.identical(pair.a().width(), pair.a().height());
    }
    return stored(pair, options).figures();
  }

  /** A stored diff picture, open for reading. */
  public record Picture(DiffRecord diff, InputStream bytes) {}

  /**
   * The diff picture of image {@code a} and {@code b}, computed and stored on the first request.
   *
   * @throws RequestException 404 naming a missing image, 422 when one cannot be decoded
   */
  public Picture picture(ImageId a, ImageId b, DiffOptions options) {
    Pair pair = find(a, b);
    for (int attempt = 0; ; attempt++) {
      DiffRecord diff = stored(pair, options);
      Optional<InputStream> bytes = openBlob(diff.diffSha256());
      if (bytes.isPresent()) {
        return new Picture(diff, bytes.get());
      }
      if (attempt > 0) {
        throw new IllegalStateException("the diff picture " + diff.diffSha256() + " vanished");
      }
      // The row outlived its picture (the blob store was cleaned up): compute it again.
      logger.atWarning().log("diff picture %s is missing; recomputing it", diff.diffSha256());
      compute(pair, key(pair, options));
    }
  }

  private record Pair(ImageId idA, ImageRecord a, ImageId idB, ImageRecord b) {}

  private Pair find(ImageId a, ImageId b) {
    Optional<ImageRecord> ra = images.find(a);
    Optional<ImageRecord> rb = a.equals(b) ? ra : images.find(b);
    if (ra.isEmpty() && rb.isEmpty()) {
      throw RequestException.notFound("no images " + a + " and " + b);
    }
    if (ra.isEmpty()) {
      throw RequestException.notFound("no image " + a);
    }
    if (rb.isEmpty()) {
      throw RequestException.notFound("no image " + b);
    }
    return new Pair(a, ra.get(), b, rb.get());
  }

  private static DiffKey key(Pair pair, DiffOptions options) {
    return new DiffKey(pair.a().sha256(), pair.b().sha256(), options);
  }

  private DiffRecord stored(Pair pair, DiffOptions options) {
    DiffKey key = key(pair, options);
    Optional<DiffRecord> found = db.read(c -> diffs.find(c, key));
    return found.isPresent() ? found.get() : compute(pair, key);
  }

  /** Computes and stores a diff, or waits for this process's computation of the same one. */
  private DiffRecord compute(Pair pair, DiffKey key) {
    CompletableFuture<DiffRecord> mine = new CompletableFuture<>();
    CompletableFuture<DiffRecord> theirs = running.putIfAbsent(key, mine);
    if (theirs != null) {
      try {
        return theirs.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      computing.acquire();
      try {
        DiffRecord diff = computeAndStore(pair, key);
        mine.complete(diff);
        return diff;
      } finally {
        computing.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      IllegalStateException failure = new IllegalStateException("interrupted", e);
      mine.completeExceptionally(failure);
      throw failure;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(key, mine);
    }
  }

  private DiffRecord computeAndStore(Pair pair, DiffKey key) {
    long start = System.nanoTime();
    DiffResult result;
    try {
      result =
          new ImageDiffer(key.options())
              .diff(readImage(pair.idA(), pair.a()), readImage(pair.idB(), pair.b()));
    } catch (UndecodableImageException e) {
      ImageId which = "B".equals(e.image()) ? pair.idB() : pair.idA();
      throw new RequestException(
          422, "undecodable_image", "image " + which + " cannot be decoded: " + e.getMessage());
    }
    byte[] png = result.diffPng();
    String sha = ImageId.sha256Hex(png);
    try {
      if (!blobs.exists(sha)) {
        Path file = Files.createTempFile(tmpDir, "diff-", ".png");
        try {
          Files.write(file, png);
          blobs.put(sha, file);
        } finally {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DiffRecord diff = new DiffRecord(key, result.withoutPicture(), sha, png.length, clock.millis());
    db.read(c -> diffs.insertIfAbsent(c, diff));
    logger.atInfo().log(
        "diffed %s and %s: %d mismatched pixels of %dx%d in %d ms",
        pair.idA(),
        pair.idB(),
        result.mismatchedPixels(),
        result.width(),
        result.height(),
        (System.nanoTime() - start) / 1_000_000);
    return diff;
  }

  private byte[] readImage(ImageId id, ImageRecord image) {
    try {
      Optional<InputStream> in = images.open(image);
      if (in.isEmpty()) {
        throw RequestException.notFound("no image " + id); // deleted in between
      }
      try (InputStream bytes = in.get()) {
        return bytes.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<InputStream> openBlob(String sha256) {
    try {
      return blobs.open(sha256);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
