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

package com.googlesource.gerrit.plugins.imagestore.service.references;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets;
import com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.domain.BusyException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.ConflictException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.TooLargeException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.ImportedReferences;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.OwedRecheck;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashService;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which commits of tracked branches name which images, as the Gerrit plugin reports them. Keeps the
 * images' orphan marks in step: an image is orphaned from the moment no reference names it, and an
 * image in the trash that a new reference names comes back (a revert, or a reference that raced
 * with the deletion).
 */
public final class ReferenceService {
  /** References one add call may carry; the plugin sends batches of a few thousand. */
  public static final int MAX_BATCH = 100_000;

  /** A replace carries a project's whole set, however large the project. */
  public static final int MAX_REPLACE = 1_000_000;

  /**
   * Streamed imports running at once. Each holds a database connection and a transaction for as
   * long as its client's scan runs (minutes, for a large repository), so a reconcile of many new
   * projects must not take the whole pool from uploads and downloads: beyond this many the service
   * answers 503 before reading the body, and the client scans first and replaces.
   */
  public static final int IMPORTS_AT_ONCE = 2;

  private final Semaphore imports = new Semaphore(IMPORTS_AT_ONCE);

  /** References the running imports have inserted and not yet committed (or rolled back). */
  private final AtomicLong importing = new AtomicLong();

  private final Database db;
  private final ReferenceRepository refs;
  private final ImageRepository images;
  private final TrashService trash;
  private final Clock clock;

  public ReferenceService(
      Database db,
      ReferenceRepository refs,
      ImageRepository images,
      TrashService trash,
      Clock clock) {
    this.db = db;
    this.refs = refs;
    this.images = images;
    this.trash = trash;
    this.clock = clock;
  }

  /** Adds references; the ones already known are left as they are. */
  public ReferenceChanges add(List<ImageReference> input, Actor actor) {
    List<ImageReference> valid = sorted(validate(input, null, null, MAX_BATCH));
    long now = clock.millis();
    OwedRecheck owed = OwedRecheck.of(uuidsOf(valid));
    ReferenceChanges result =
        db.inTransaction(
            c -> {
              int added = refs.insertIfAbsent(c, valid, now);
              Set<String> uuids = uuidsOf(valid);
              // Waits for the row lock of an image being moved to the trash right now; the
              // restore below then sees it in the trash and brings it back.
              images.clearOrphanMarks(c, uuids);
              int restored = trash.restoreReferenced(c, uuids, actor);
              images.owe(c, owed, now);
              return new ReferenceChanges(added, 0, restored);
            });
    // A concurrent upload, or removal of another reference to the same image, decided its mark
    // without seeing this change.
    images.recheckOrphanMarks(db, owed, clock.millis());
    return result;
  }

  /**
   * Replaces all references of {@code project} (of {@code branch} only, when not null) by {@code
   * input} in one transaction; images no reference names any more become orphans.
   */
  public ReferenceChanges replace(
      String project, String branch, List<ImageReference> input, Actor actor) {
    return replace(project, branch, BucketSelection.all(), input, actor);
  }

  /**
   * Replaces the references of {@code project} (of {@code branch} only, when not null) that lie in
   * {@code buckets} by {@code input}, as {@link #replace(String, String, List, Actor)} does for the
   * whole set; the references of other buckets stay as they are. Every one of {@code input} must
   * lie in {@code buckets}.
   */
  public ReferenceChanges replace(
      String project,
      String branch,
      BucketSelection buckets,
      List<ImageReference> input,
      Actor actor) {
    checkName("project", project, 255);
    if (branch != null) {
      checkName("branch", branch, 255);
    }
    List<ImageReference> wanted = validate(input, project, branch, MAX_REPLACE);
    checkWithin(wanted, buckets);
    long now = clock.millis();
    // The images this replace touched, known only inside its transaction (a retried attempt
    // computes them again).
    OwedRecheck[] owed = new OwedRecheck[1];
    ReferenceChanges done =
        db.inTransaction(
            c -> {
              Map<String, ImageReference> existing = new LinkedHashMap<>();
              for (ImageReference r : refs.list(c, project, branch, buckets)) {
                existing.put(key(r), r);
              }
              Map<String, ImageReference> target = new LinkedHashMap<>();
              for (ImageReference r : wanted) {
                target.putIfAbsent(key(r), r);
              }
              List<ImageReference> removed =
                  sorted(
                      existing.entrySet().stream()
                          .filter(e -> !target.containsKey(e.getKey()))
                          .map(Map.Entry::getValue)
                          .toList());
              List<ImageReference> added =
                  sorted(
                      target.entrySet().stream()
                          .filter(e -> !existing.containsKey(e.getKey()))
                          .map(Map.Entry::getValue)
                          .toList());
              int removedCount = refs.delete(c, removed);
              int addedCount = refs.insertIfAbsent(c, added, now);
              Set<String> addedUuids = uuidsOf(added);
              // Also waits for the row lock of an image being moved to the trash right now, as in
              // add(). The removed images' marks are set by the recheck after commit: a second
              // pass over image rows here would lock them out of uuid order (a deadlock).
              images.clearOrphanMarks(c, addedUuids);
              int restored = trash.restoreReferenced(c, addedUuids, actor);
              // The added images are owed as one row however many (a first import inserts tens of
              // thousands): the inserted references, all indexed at now, name them again.
              owed[0] =
                  OwedRecheck.ofImport(
                      uuidsOf(removed), addedUuids, new ImportedReferences(project, now));
              images.owe(c, owed[0], now);
              return new ReferenceChanges(addedCount, removedCount, restored);
            });
    images.recheckOrphanMarks(db, owed[0], clock.millis());
    return done;
  }

  /** The references of a first import as they arrive: a batch at a time, null at the end. */
  @FunctionalInterface
  public interface ReferenceBatches {
    List<ImageReference> next();
  }

  /**
   * The first import of {@code project}: inserts every reference {@code batches} hands over, batch
   * by batch as it arrives (the caller's scan still running), all in one transaction committed at
   * the end, so a stream cut in the middle, a bad reference or a crash leaves nothing imported.
   * Refused (409 {@code not_empty}) when the project has references already: a replace then says
   * what to remove. The images named are cleared of their orphan marks and owed a recheck as one
   * import row, as {@link #replace} does for what it inserts.
   */
  public ReferenceChanges importAll(String project, ReferenceBatches batches, Actor actor) {
    checkName("project", project, 255);
    if (!imports.tryAcquire()) {
      throw new BusyException(
          IMPORTS_AT_ONCE + " imports are running; scan first and replace, or try again", 5);
    }
    long[] inserted = {0};
    try {
      return importInOneTransaction(project, batches, actor, inserted);
    } finally {
      importing.addAndGet(-inserted[0]);
      imports.release();
    }
  }

  /** How far the streamed imports running now are: for the metrics. */
  public record ImportProgress(int running, long inserted) {}

  public ImportProgress importProgress() {
    return new ImportProgress(IMPORTS_AT_ONCE - imports.availablePermits(), importing.get());
  }

  /** Adds to {@code inserted} (and {@link #importing}) what each statement inserts. */
  private ReferenceChanges importInOneTransaction(
      String project, ReferenceBatches batches, Actor actor, long[] inserted) {
    long now = clock.millis();
    OwedRecheck[] owed = new OwedRecheck[1];
    boolean[] started = {false};
    ReferenceChanges done =
        db.inTransaction(
            c -> {
              // The stream is read once: a transaction run again (a transient failure) would
              // import only what is left of it.
              if (started[0]) {
                throw new BusyException("the import failed on a transient error; send it again", 1);
              }
              started[0] = true;
              if (refs.hasAny(c, project)) {
                throw new ConflictException(
                    "not_empty", "project '" + project + "' has references: replace them instead");
              }
              Set<String> uuids = new TreeSet<>();
              int received = 0;
              int added = 0;
              for (List<ImageReference> batch = batches.next();
                  batch != null;
                  batch = batches.next()) {
                if (received + batch.size() > MAX_REPLACE) {
                  throw new TooLargeException(
                      "at most " + MAX_REPLACE + " references fit in one import");
                }
                validate(batch, received, project, null);
                received += batch.size();
                added += refs.insertNew(c, sorted(batch), now);
                inserted[0] += batch.size();
                importing.addAndGet(batch.size());
                for (ImageReference r : batch) {
                  uuids.add(r.uuid());
                }
              }
              images.clearOrphanMarks(c, uuids);
              int restored = trash.restoreReferenced(c, uuids, actor);
              owed[0] = OwedRecheck.ofImport(Set.of(), uuids, new ImportedReferences(project, now));
              images.owe(c, owed[0], now);
              return new ReferenceChanges(added, 0, restored);
            });
    images.recheckOrphanMarks(db, owed[0], clock.millis());
    return done;
  }

  /**
   * The digest of the stored set, for a reconcile to compare with what it scanned, and when {@code
   * buckets} is not null the digests of that many {@link ReferenceBuckets}. All in one pass
   * streamed from the database in key order, so a project of any size costs no memory; a set whose
   * database order is not Java's (characters beyond U+FFFF) is read and sorted in memory instead.
   */
  public ReferenceSet digest(String project, String branch, Integer buckets) {
    checkName("project", project, 255);
    ReferenceBuckets cut =
        ReferenceBuckets.of(buckets == null ? 1 : BucketSelection.checkedCount(buckets));
    Optional<ReferenceBuckets.Digests> streamed =
        db.inTransaction(
            c -> {
              ReferenceBuckets.Digests digests = cut.digests();
              boolean[] inOrder = {true};
              refs.forEachKey(
                  c, project, branch, key -> inOrder[0] = inOrder[0] && digests.add(key));
              return inOrder[0] ? Optional.of(digests) : Optional.<ReferenceBuckets.Digests>empty();
            });
    ReferenceBuckets.Digests digests =
        streamed.orElseGet(
            () ->
                cut.digestsOfKeys(
                    list(project, branch).stream().map(ReferenceService::key).toList()));
    return new ReferenceSet(
        project,
        branch,
        digests.count(),
        digests.digest(),
        buckets,
        buckets == null ? Map.of() : digests.buckets());
  }

  public ReferenceSet digest(String project, String branch) {
    return digest(project, branch, null);
  }

  public List<ImageReference> list(String project, String branch) {
    checkName("project", project, 255);
    return db.read(c -> refs.list(c, project, branch));
  }

  /**
   * Rows are written in one global order (project, branch, path, uuid), and image rows updated in
   * uuid order, so two transactions touching the same rows on PostgreSQL wait for each other
   * instead of deadlocking.
   */
  private static List<ImageReference> sorted(List<ImageReference> list) {
    return list.stream()
        .sorted(
            Comparator.comparing(ImageReference::project)
                .thenComparing(ImageReference::branch)
                .thenComparing(ImageReference::path)
                .thenComparing(ImageReference::uuid))
        .toList();
  }

  private static Set<String> uuidsOf(List<ImageReference> list) {
    Set<String> out = new TreeSet<>();
    for (ImageReference r : list) {
      out.add(r.uuid());
    }
    return out;
  }

  /** What identifies a stored reference of a project (the digest's key). */
  private static String key(ImageReference r) {
    return ReferenceSetDigest.key(r.branch(), r.path(), r.uuid());
  }

  private static List<ImageReference> validate(
      List<ImageReference> input, String project, String branch, int max) {
    if (input == null) {
      throw new InvalidInputException("bad_references", "'references' is missing");
    }
    if (input.size() > max) {
      throw new TooLargeException(
          "at most " + max + " references fit in one call, got " + input.size());
    }
    validate(input, 0, project, branch);
    return input;
  }

  /** Checks {@code input}, the references from index {@code first} of a call. */
  private static void validate(
      List<ImageReference> input, int first, String project, String branch) {
    for (int i = 0; i < input.size(); i++) {
      ImageReference r = input.get(i);
      // The field's name is built only for a message: a streamed import checks 10^5-10^6 of them.
      int at = first + i;
      if (r == null) {
        throw new InvalidInputException("bad_references", where(at) + " is null");
      }
      checkName(at, "project", r.project(), 255);
      checkName(at, "branch", r.branch(), 255);
      checkName(at, "path", r.path(), 1024);
      if (!ImageId.isLowerHex(r.commit(), 40) && !ImageId.isLowerHex(r.commit(), 64)) {
        throw new InvalidInputException(
            "bad_references", where(at) + ".commit must be a full lowercase hex commit id");
      }
      if (!ImageId.isValid(r.uuid())) {
        throw new InvalidInputException(
            "bad_references", where(at) + ".uuid must be 32 lowercase hex digits");
      }
      if (project != null && !project.equals(r.project())) {
        throw new InvalidInputException(
            "bad_references", where(at) + " belongs to another project than '" + project + "'");
      }
      if (branch != null && !branch.equals(r.branch())) {
        throw new InvalidInputException(
            "bad_references", where(at) + " belongs to another branch than '" + branch + "'");
      }
    }
  }

  private static String where(int at) {
    return "references[" + at + "]";
  }

  private static void checkName(int at, String field, String value, int max) {
    if (value == null || value.isEmpty() || value.length() > max || value.indexOf('\0') >= 0) {
      checkName(where(at) + "." + field, value, max);
    }
  }

  private static void checkWithin(List<ImageReference> wanted, BucketSelection buckets) {
    if (buckets.isAll()) {
      return;
    }
    for (int i = 0; i < wanted.size(); i++) {
      if (!buckets.contains(wanted.get(i).uuid())) {
        throw new InvalidInputException(
            "bad_references",
            "references[" + i + "].uuid lies outside the buckets replaced (" + buckets + ")");
      }
    }
  }

  private static void checkName(String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("bad_references", field + " is missing");
    }
    if (value.length() > max) {
      throw new InvalidInputException(
          "bad_references", field + " is longer than " + max + " characters");
    }
    // PostgreSQL's text cannot hold it (a 500 before); git paths and ref names never do.
    if (value.indexOf('\0') >= 0) {
      throw new InvalidInputException("bad_references", field + " contains a NUL character");
    }
  }
}
