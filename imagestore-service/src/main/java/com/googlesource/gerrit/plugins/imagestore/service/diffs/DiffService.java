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

package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffLimits;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffTooLargeException;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.PngHeader;
import com.googlesource.gerrit.plugins.imagestore.diff.Side;
import com.googlesource.gerrit.plugins.imagestore.diff.UndecodableImageException;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.domain.BusyException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.UnprocessableException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Comparisons of stored images. Images with identical bytes are equal without being read.
 *
 * <p>Comparisons with the stored options ({@link #isStored}) are computed once: the figures go to
 * the {@code diffs} table (with the moved blocks found; rows stored before they were detected are
 * computed again on their next read), the diff picture to the blob store. Any other options are
 * computed on every request and stored nowhere, so requests without login cannot make the store
 * grow. Ignore regions can be chosen freely, so of one pair only the first {@link
 * #MAX_STORED_WITH_REGIONS} comparisons with regions are stored (a repository's configuration names
 * a few sets); others are computed on every request.
 *
 * <p>Requests for a comparison being computed in this process wait for that computation instead of
 * starting their own. Replicas may compute the same pair at once; both store the same bytes and
 * figures, and the second row insert does nothing.
 *
 * <p>What anyone may ask for is bounded: the PNG headers are checked against the pixel limit and
 * the memory budget before anything is decoded (422 {@code diff_too_large}), computations take
 * turns by count and memory ({@link DiffGate}), and a request that cannot get a turn, or whose
 * shared computation does not end, within the wait is answered 503 {@code busy} (with {@link
 * #BUSY_RETRY_AFTER_SECONDS}); so are requests beyond {@link #MAX_WAITING} waiting ones.
 */
public final class DiffService {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** Requests that may wait for a diff besides those computing one; more get 503 at once. */
  static final int MAX_WAITING = 32;

  /** How much longer than for a turn a request waits for the same diff computed by another. */
  private static final Duration COMPUTING_PATIENCE = Duration.ofMinutes(1);

  /** How many comparisons with ignore regions are stored per pair of contents, at most. */
  static final int MAX_STORED_WITH_REGIONS = 16;

  /** Thresholds in millionths whose comparisons are stored: multiples of 0.05. */
  private static final int STORED_THRESHOLD_STEP = 50_000;

  /** How long a request refused for want of capacity ({@link #busy}) waits before trying again. */
  static final int BUSY_RETRY_AFTER_SECONDS = 5;

  private static BusyException busy(String message) {
    return new BusyException(message + "; try again later", BUSY_RETRY_AFTER_SECONDS);
  }

  private final Database db;
  private final BlobStore blobs;
  private final ImageService images;
  private final DiffRepository diffs;
  private final Path tmpDir;
  private final Clock clock;
  private final DiffLimits limits;
  private final DiffGate gate;
  private final SharedComputations<DiffKey, DiffRecord> storing;
  private final SharedComputations<Unstored, DiffResult> unstored;
  private final AtomicInteger inside = new AtomicInteger();

  /** The key of a comparison that is not stored: with or without its picture. */
  private record Unstored(DiffKey key, boolean picture) {}

  public DiffService(
      Database db,
      BlobStore blobs,
      ImageService images,
      DiffRepository diffs,
      Path tmpDir,
      Clock clock,
      DiffCapacity capacity) {
    this.db = db;
    this.blobs = blobs;
    this.images = images;
    this.diffs = diffs;
    this.tmpDir = tmpDir;
    this.clock = clock;
    this.limits = new DiffLimits(capacity.maxPixels(), capacity.memoryBytes());
    this.gate =
        new DiffGate(capacity.concurrency(), capacity.memoryBytes(), capacity.queueTimeout());
    Duration shared = capacity.queueTimeout().plus(COMPUTING_PATIENCE);
    this.storing = new SharedComputations<>(shared);
    this.unstored = new SharedComputations<>(shared);
  }

  /**
   * Whether comparisons with these options are stored: thresholds that are multiples of 0.05 (the
   * default 0.1 among them), with or without anti-aliasing detection, so at most 42 per pair.
   */
  public static boolean isStored(DiffOptions options) {
    return options.thresholdMillionths() % STORED_THRESHOLD_STEP == 0;
  }

  /**
   * The figures of comparing image {@code a} with {@code b}.
   *
   * @throws NotFoundException naming a missing image
   * @throws UnprocessableException when one cannot be decoded or the comparison is too large
   * @throws BusyException when there is no capacity for it now
   */
  public DiffResult figures(ImageId a, ImageId b, DiffOptions options) {
    Pair pair = find(a, b);
    if (pair.a().sha256().equals(pair.b().sha256())) {
      return ImageDiffer.identical(pair.a().width(), pair.a().height(), options);
    }
    Optional<DiffRecord> stored = isStored(options) ? stored(pair, options) : Optional.empty();
    return stored.isPresent() ? stored.get().figures() : computeUnstored(pair, options, false);
  }

  /** A diff picture, open for reading. */
  public record Picture(DiffRecord diff, InputStream bytes) {}

  /**
   * The diff picture of image {@code a} and {@code b}, computed and stored on the first request
   * (when its options are stored).
   *
   * @throws DomainException as {@link #figures}
   */
  public Picture picture(ImageId a, ImageId b, DiffOptions options) {
    Pair pair = find(a, b);
    Optional<DiffRecord> stored = isStored(options) ? stored(pair, options) : Optional.empty();
    if (stored.isEmpty()) {
      DiffResult result = computeUnstored(pair, options, true);
      byte[] png = result.diffPng();
      DiffRecord diff =
          new DiffRecord(
              key(pair, options),
              result.withoutPicture(),
              ImageId.sha256Hex(png),
              png.length,
              clock.millis());
      return new Picture(diff, new ByteArrayInputStream(png));
    }
    for (int attempt = 0; ; attempt++) {
      DiffRecord diff = attempt == 0 ? stored.get() : stored(pair, options).orElseThrow();
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

  /**
   * Holds a turn of the computations as a diff needing {@code bytes} would, until closed: lets
   * tests see what requests get when there is no capacity.
   *
   * @throws BusyException when no turn came within the wait
   */
  public AutoCloseable holdTurn(long bytes) {
    try {
      return gate.enter(bytes);
    } catch (DiffGate.NoTurn e) {
      throw busy(e.getMessage());
    }
  }

  private record Pair(ImageId idA, ImageRecord a, ImageId idB, ImageRecord b) {}

  private Pair find(ImageId a, ImageId b) {
    Optional<ImageRecord> ra = images.find(a);
    Optional<ImageRecord> rb = a.equals(b) ? ra : images.find(b);
    if (ra.isEmpty() && rb.isEmpty()) {
      throw new NotFoundException("no images " + a + " and " + b);
    }
    if (ra.isEmpty()) {
      throw new NotFoundException("no image " + a);
    }
    if (rb.isEmpty()) {
      throw new NotFoundException("no image " + b);
    }
    return new Pair(a, ra.get(), b, rb.get());
  }

  private static DiffKey key(Pair pair, DiffOptions options) {
    return new DiffKey(pair.a().sha256(), pair.b().sha256(), options);
  }

  /**
   * The stored comparison, computed and stored now if need be; empty when it is not to be stored
   * (the pair has as many sets of ignore regions stored as it may). A row stored before moved
   * blocks were detected is computed again (once: the moves are filled into it).
   */
  private Optional<DiffRecord> stored(Pair pair, DiffOptions options) {
    DiffKey key = key(pair, options);
    Optional<DiffRecord> found = db.read(c -> diffs.find(c, key));
    if (found.isPresent()) {
      return found.get().shiftsKnown() ? found : Optional.of(compute(pair, key));
    }
    if (!options.ignore().isEmpty()
        && db.<Long>read(c -> diffs.countWithIgnoreRegions(c, pair.a().sha256(), pair.b().sha256()))
            >= MAX_STORED_WITH_REGIONS) {
      return Optional.empty();
    }
    return Optional.of(compute(pair, key));
  }

  /** Computes and stores a diff, or waits for this process's computation of the same one. */
  private DiffRecord compute(Pair pair, DiffKey key) {
    return admitted(
        () -> storing.get(key, () -> store(pair, key, diff(pair, key.options(), true))));
  }

  /** Computes a diff that is not stored, or waits for this process's computation of it. */
  private DiffResult computeUnstored(Pair pair, DiffOptions options, boolean picture) {
    Unstored key = new Unstored(key(pair, options), picture);
    return admitted(() -> unstored.get(key, () -> diff(pair, options, picture)));
  }

  /** Runs {@code work} unless too many requests wait for diffs already. */
  private <T> T admitted(Supplier<T> work) {
    try {
      if (inside.incrementAndGet() > gate.concurrency() + MAX_WAITING) {
        throw busy("too many diff requests are waiting");
      }
      return work.get();
    } catch (SharedComputations.WaitedTooLong e) {
      throw busy(e.getMessage());
    } finally {
      inside.decrementAndGet();
    }
  }

  /**
   * Compares the images in a turn of the gate, once their headers showed the comparison is within
   * the limits.
   */
  private DiffResult diff(Pair pair, DiffOptions options, boolean picture) {
    boolean same = pair.a().sha256().equals(pair.b().sha256());
    long bytes;
    try {
      PngHeader a = readHeader(pair.idA(), pair.a());
      PngHeader b = same ? null : readHeader(pair.idB(), pair.b());
      bytes = limits.check(a, b, picture, pair.a().size() + pair.b().size());
    } catch (UndecodableImageException e) {
      throw refusal(pair, e);
    }
    try (DiffGate.Turn turn = gate.enter(bytes)) {
      long start = System.nanoTime();
      byte[] a = readImage(pair.idA(), pair.a());
      byte[] b = same ? a : readImage(pair.idB(), pair.b());
      ImageDiffer differ = new ImageDiffer(options, limits);
      DiffResult result = picture ? differ.diff(a, b) : differ.compare(a, b);
      logger.atInfo().log(
          "diffed %s and %s: %d mismatched pixels of %dx%d in %d ms",
          pair.idA(),
          pair.idB(),
          result.mismatchedPixels(),
          result.width(),
          result.height(),
          (System.nanoTime() - start) / 1_000_000);
      return result;
    } catch (DiffGate.NoTurn e) {
      throw busy("no turn to compute the diff: " + e.getMessage());
    } catch (UndecodableImageException e) {
      throw refusal(pair, e);
    } catch (OutOfMemoryError e) {
      // The estimate was within the budget, but the heap is short now; the arrays are garbage.
      logger.atWarning().log(
          "diffing %s and %s (estimated %d MiB) ran out of memory",
          pair.idA(), pair.idB(), bytes >> 20);
      throw busy("not enough memory to compute the diff now");
    }
  }

  /** An image that cannot be decoded, or a comparison too large to compute. */
  private static UnprocessableException refusal(Pair pair, UndecodableImageException e) {
    ImageId which = e.image() == Side.B ? pair.idB() : pair.idA();
    if (e instanceof DiffTooLargeException) {
      String what =
          e.image() == null ? "images " + pair.idA() + " and " + pair.idB() : "image " + which;
      return new UnprocessableException(
          "diff_too_large", "cannot compare " + what + ": " + e.getMessage());
    }
    return new UnprocessableException(
        "undecodable_image", "image " + which + " cannot be decoded: " + e.getMessage());
  }

  /** Stores a computed diff's picture and figures. */
  private DiffRecord store(Pair pair, DiffKey key, DiffResult result) {
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
    db.inTransaction(c -> diffs.insertIfAbsent(c, diff) || diffs.fillShifts(c, diff));
    return diff;
  }

  /** The first bytes of a stored image: its size and kind, without reading the rest. */
  private PngHeader readHeader(ImageId id, ImageRecord image) throws UndecodableImageException {
    try (InputStream in = open(id, image)) {
      return PngHeader.parse(in.readNBytes(PngHeader.BYTES));
    } catch (UndecodableImageException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] readImage(ImageId id, ImageRecord image) {
    try (InputStream in = open(id, image)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InputStream open(ImageId id, ImageRecord image) throws IOException {
    Optional<InputStream> in = images.open(image);
    if (in.isEmpty()) {
      throw new NotFoundException("no image " + id); // deleted in between
    }
    return in.get();
  }

  private Optional<InputStream> openBlob(String sha256) {
    try {
      return blobs.open(sha256);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
