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

package com.googlesource.gerrit.plugins.imagestore.service.orphans;

import com.google.common.collect.Lists;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.domain.ConflictException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.IdRange;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.OrphanFilter;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.TableSlice;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.images.StoredImage;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.BulkProgress;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics.BulkSnapshot;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceRepository;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import com.googlesource.gerrit.plugins.imagestore.service.trash.CleanupOutcome;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService.Batch;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService.Guard;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Images no commit of a tracked branch references. The orphan mark is kept current by the
 * references API; {@link #sweep} recomputes it from scratch. Deleting orphans moves them to the
 * trash, and only those orphaned for at least the grace period.
 */
public final class OrphanService {
  private final Database db;
  private final ImageRepository images;
  private final ReferenceRepository refs;
  private final ImageService imageService;
  private final TrashService trash;
  private final Clock clock;
  // Image visits: the recomputation passes over every image twice (clear, then mark).
  private final BulkProgress progress = new BulkProgress("orphan recompute", "image visits");
  private final BulkProgress cleanupProgress = new BulkProgress("orphan cleanup", "images");

  public OrphanService(
      Database db,
      ImageRepository images,
      ReferenceRepository refs,
      ImageService imageService,
      TrashService trash,
      Clock clock) {
    this.db = db;
    this.images = images;
    this.refs = refs;
    this.imageService = imageService;
    this.trash = trash;
    this.clock = clock;
  }

  /**
   * About how many images a recomputation checks per transaction: short transactions (a crash loses
   * at most one, the others stay committed and right) and progress to report.
   */
  static final int SWEEP_SLICE = 10_000;

  /** Which orphans: orphaned at least {@code minAge} ago, of a runtime, matching a spec. */
  public record Selection(Duration minAge, TestRuntime runtime, String spec) {
    public static Selection olderThan(Duration minAge) {
      return new Selection(minAge, null, null);
    }
  }

  /** Orphans that pass {@code selection}, in id order. */
  public List<ImageRecord> list(Selection selection, String after, int limit) {
    OrphanFilter filter =
        new OrphanFilter(
            clock.millis() - selection.minAge().toMillis(), selection.runtime(), selection.spec());
    return db.read(c -> images.listOrphans(c, filter, after, limit));
  }

  /** How many images are referenced and how many are orphaned, for the metrics. */
  public ServiceMetrics.ImageCounts counts() {
    return db.read(images::counts);
  }

  /** The image if it is an orphan. */
  public Optional<StoredImage> get(ImageId id) {
    return imageService.details(id).filter(i -> !i.referenced() && i.image().orphanedAt() != null);
  }

  /**
   * Marks an unreferenced image orphaned since {@code since} (now when null), for instance to let
   * it go before the grace period ends.
   */
  public StoredImage mark(ImageId id, Instant since) {
    Instant when = since == null ? clock.instant() : since;
    if (when.isAfter(clock.instant())) {
      throw new InvalidInputException("bad_time", "orphanedAt lies in the future");
    }
    db.inTransaction(
        c -> {
          Optional<ImageRecord> image = images.findForUpdate(c, id.value());
          if (image.isEmpty()) {
            throw new NotFoundException("no image " + id);
          }
          if (refs.isReferenced(c, id.value())) {
            throw new ConflictException(
                "referenced", "image " + id + " is referenced by a tracked branch");
          }
          images.setOrphanedAt(c, id.value(), when.toEpochMilli());
          return null;
        });
    return imageService.details(id).orElseThrow();
  }

  /** How far the running (or last) recomputation is, for the metrics. */
  public BulkSnapshot recomputeProgress() {
    return progress.snapshot();
  }

  /** How far the running (or last) cleanup into the trash is, for the metrics. */
  public BulkSnapshot cleanupProgress() {
    return cleanupProgress.snapshot();
  }

  /**
   * Recomputes every orphan mark from the references, and brings back from the trash every image a
   * reference names.
   *
   * <p>Two passes over the images, one transaction per slice of about {@link #SWEEP_SLICE} images,
   * then one for the trash. The first clears the marks of referenced images, in table order (each
   * page read about once; only the marked rows are checked against the references). The second
   * marks unreferenced images, in id order (the primary key and the references' index read side by
   * side, no table page but those of the unreferenced). Each slice locks the rows it changes in
   * uuid order, as every writer of images does, and its marks are right when it commits: a crash
   * leaves the slices done right and the rest as they were (kept current by the references API; the
   * next recomputation finishes the job). Progress goes to the log and the metrics; a second
   * recomputation is refused while one runs.
   *
   * @throws ConflictException when a recomputation is running
   */
  public SweepOutcome sweep(Actor actor) {
    long now = clock.millis();
    long total = db.read(images::count);
    if (!progress.start(2 * total)) {
      throw new ConflictException(
          "recompute_running", "the orphan marks are being recomputed: " + progress.describe());
    }
    boolean completed = false;
    try {
      int cleared = clearPass(total);
      int marked = markPass(now, total);
      int restored = db.inTransaction(c -> trash.restoreAllReferenced(c, actor));
      completed = true;
      return new SweepOutcome(marked, cleared, restored);
    } finally {
      progress.finish(completed);
    }
  }

  /** The first pass: clears the marks of referenced images, slice by slice in table order. */
  private int clearPass(long total) {
    long extent = db.read(images::tableExtent);
    // Units (pages, row ids) per slice, so that a slice holds about SWEEP_SLICE images.
    long step = Math.max(1, extent * SWEEP_SLICE / Math.max(1, total));
    int cleared = 0;
    long visited = 0;
    for (long from = 0; ; from += step) {
      boolean last = from + step >= extent;
      TableSlice slice = new TableSlice(from, last ? -1 : from + step);
      int sliceCleared = db.inTransaction(c -> images.clearReferenced(c, slice));
      cleared += sliceCleared;
      long images =
          last
              ? Math.max(0, total - visited)
              : Math.min(total - visited, total * step / Math.max(1, extent));
      visited += images;
      progress.advance(images, "pass 1 of 2 (clearing), " + cleared + " cleared");
      if (last) {
        return cleared;
      }
    }
  }

  /** The second pass: marks unreferenced images, slice by slice in id order. */
  private int markPass(long now, long total) {
    int marked = 0;
    long visited = 0;
    String after = "";
    while (true) {
      String from = after;
      record Slice(IdRange range, int marked) {}
      Slice slice =
          db.inTransaction(
              c -> {
                IdRange range = images.nextRange(c, from, SWEEP_SLICE);
                return new Slice(range, images.markUnreferenced(c, range, now));
              });
      marked += slice.marked();
      boolean last = slice.range().last() == null;
      long count = last ? Math.max(0, total - visited) : SWEEP_SLICE;
      visited += count;
      progress.advance(count, "pass 2 of 2 (marking), " + marked + " marked");
      if (last) {
        return marked;
      }
      after = slice.range().last();
    }
  }

  /**
   * Moves an orphan past the grace period to the trash.
   *
   * @return false when there is no such image
   * @throws ConflictException when it is referenced, not orphaned or still in the grace period
   */
  public boolean delete(ImageId id, Actor actor, String detail) {
    return trash.moveToTrash(id, Guard.ORPHAN_PAST_GRACE, actor, detail);
  }

  /**
   * Moves orphans past the grace period to the trash: those named by {@code uuids}, or else those
   * {@code selection} picks (its minimum age raised to the grace period). With {@code dryRun}
   * nothing changes and the answer says what would.
   */
  public CleanupOutcome cleanup(
      List<ImageId> uuids, Selection selection, boolean dryRun, Actor actor, String detail) {
    CleanupOutcome.Builder result = CleanupOutcome.builder(dryRun);
    List<ImageRecord> candidates = new ArrayList<>();
    if (uuids != null) {
      for (List<ImageId> slice :
          Lists.partition(List.copyOf(new LinkedHashSet<>(uuids)), TrashService.BATCH)) {
        Batch<ImageRecord> checked = trash.checkGuard(slice, Guard.ORPHAN_PAST_GRACE);
        candidates.addAll(checked.done());
        checked.refused().forEach(r -> result.skip(r.uuid(), r.why()));
      }
    } else {
      Duration minAge =
          selection.minAge().compareTo(trash.gracePeriod()) < 0
              ? trash.gracePeriod()
              : selection.minAge();
      candidates =
          list(
              new Selection(minAge, selection.runtime(), selection.spec()),
              null,
              CleanupOutcome.MAX_IMAGES);
      result.more(candidates.size() == CleanupOutcome.MAX_IMAGES);
    }
    if (dryRun) {
      trash.account(result, candidates);
      return result.build();
    }
    // A transaction per TrashService.BATCH images (seconds at 10,000 at a million images): a
    // cleanup of what a selection picks (up to 10,000) is a bulk call that reports its progress,
    // one at a time. One naming its images is bounded by its request and runs beside anything, as
    // every other write.
    boolean bulk = uuids == null;
    if (bulk && !cleanupProgress.start(candidates.size())) {
      throw new ConflictException(
          "cleanup_running", "orphans are being moved to the trash: " + cleanupProgress.describe());
    }
    boolean completed = false;
    try {
      List<ImageRecord> done = new ArrayList<>();
      for (List<ImageRecord> slice : Lists.partition(candidates, TrashService.BATCH)) {
        Batch<ImageRecord> batch = trash.moveToTrash(slice, Guard.ORPHAN_PAST_GRACE, actor, detail);
        done.addAll(batch.done());
        // Gone, referenced or changed since it was selected.
        batch.refused().forEach(r -> result.skip(r.uuid(), r.why()));
        if (bulk) {
          cleanupProgress.advance(slice.size(), done.size() + " moved");
        }
      }
      trash.account(result, done);
      completed = true;
      return result.build();
    } finally {
      if (bulk) {
        cleanupProgress.finish(completed);
      }
    }
  }
}
