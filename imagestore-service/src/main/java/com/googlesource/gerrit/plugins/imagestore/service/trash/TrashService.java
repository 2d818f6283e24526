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

package com.googlesource.gerrit.plugins.imagestore.service.trash;

import com.google.common.collect.Lists;
import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditLog;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.db.Sql;
import com.googlesource.gerrit.plugins.imagestore.service.domain.ConflictException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.OwedRecheck;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.images.RecentLookups;
import com.googlesource.gerrit.plugins.imagestore.service.images.ReferenceLookup;
import com.googlesource.gerrit.plugins.imagestore.service.images.TrashedImages;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.BulkProgress;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics.BulkSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.stream.Collector;
import java.util.stream.Collectors;

/**
 * Deleted images wait in the trash, restorable, until their retention ends; only a purge removes
 * bytes, and only bytes that no image and no other trash entry has.
 *
 * <p>Locks: moving an image into the trash locks the {@code blobs} row of its content, then the
 * image row, like an upload, so the two serialise. A purge locks the {@code blobs} row, then the
 * trash row, and counts the holders of the content in one statement, so an entry that a concurrent
 * restore moves back into {@code images} is counted in one table or the other, never in neither. It
 * deletes no bytes itself: it marks a content nothing holds any more, and the bytes go after it has
 * committed ({@link Contents#reclaim}).
 */
public final class TrashService implements TrashedImages {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** What must hold before an image may be moved into the trash. */
  public enum Guard {
    /** Nothing: an admin's forced delete. */
    FORCE,
    /** No reference names it. */
    UNREFERENCED,
    /** No reference names it, and it has been orphaned for at least the grace period. */
    ORPHAN_PAST_GRACE
  }

  private final Database db;
  private final BlobStore blobs;
  private final Contents contents;
  private final ImageRepository images;
  private final ReferenceLookup refs;
  private final TrashRepository trash;
  private final AuditLog audit;
  private final RecentLookups recentLookups;
  private final Duration gracePeriod;
  private final Duration retention;
  private final Clock clock;
  private final BulkProgress purgeProgress = new BulkProgress("trash purge", "entries");

  public TrashService(
      Database db,
      BlobStore blobs,
      Contents contents,
      ImageRepository images,
      ReferenceLookup refs,
      TrashRepository trash,
      AuditLog audit,
      RecentLookups recentLookups,
      Duration gracePeriod,
      Duration retention,
      Clock clock) {
    this.db = db;
    this.recentLookups = recentLookups;
    this.blobs = blobs;
    this.contents = contents;
    this.images = images;
    this.refs = refs;
    this.trash = trash;
    this.audit = audit;
    this.gracePeriod = gracePeriod;
    this.retention = retention;
    this.clock = clock;
  }

  public Duration gracePeriod() {
    return gracePeriod;
  }

  public Duration retention() {
    return retention;
  }

  /**
   * Moves an image into the trash.
   *
   * @return false when there is no such image
   * @throws ConflictException when {@code guard} does not hold
   */
  public boolean moveToTrash(ImageId id, Guard guard, Actor actor, String detail) {
    Optional<ImageRecord> found = db.read(c -> images.find(c, id.value()));
    if (found.isEmpty()) {
      return false;
    }
    Batch<ImageRecord> batch = moveToTrash(List.of(found.get()), guard, actor, detail);
    for (Refusal refusal : batch.refused()) {
      if (refusal.why() instanceof NotFoundException) {
        return false; // deleted meanwhile
      }
      throw refusal.why();
    }
    return true;
  }

  /**
   * Images one transaction of a cleanup or purge handles at most: one {@code IN} list per
   * statement. Measured at a million images on PostgreSQL (bench/README.md, "Cleanups and purges in
   * batches").
   */
  public static final int BATCH = Sql.IN_LIST_MAX;

  /** What one transaction of a cleanup or purge did: the images done, and those left alone. */
  public record Batch<T>(List<T> done, List<Refusal> refused) {}

  /** An image a batch left alone, and why. */
  public record Refusal(String uuid, DomainException why) {}

  /**
   * Moves {@code selected} (at most {@link #BATCH}, as read before) into the trash in one
   * transaction, each image checked against {@code guard} under its row lock; the images gone
   * meanwhile, or for which {@code guard} no longer holds, are left alone (in the answer's {@code
   * refused}, with the refusal the single-image move throws). An audit line per image moved.
   */
  public Batch<ImageRecord> moveToTrash(
      List<ImageRecord> selected, Guard guard, Actor actor, String detail) {
    Batch<ImageRecord> batch =
        db.inTransaction(
            c -> {
              // Locks as the single move took them: the contents' rows (like an upload), then the
              // images' rows, each set in key order.
              Set<String> shas = new TreeSet<>();
              selected.forEach(r -> shas.add(r.sha256()));
              contents.rows().lockAll(c, shas);
              List<String> uuids = selected.stream().map(ImageRecord::uuid).toList();
              Map<String, ImageRecord> locked = new HashMap<>();
              for (ImageRecord r : images.findAllForUpdate(c, uuids)) {
                locked.put(r.uuid(), r);
              }
              lockChangedContents(c, shas, locked.values());
              // Under the row locks: a reference that arrived meanwhile is seen here, or the
              // reference's own transaction waits for ours and then brings the image back.
              Set<String> referenced =
                  guard == Guard.FORCE ? Set.of() : refs.referencedAmong(c, locked.keySet());
              long now = clock.millis();
              Batch<ImageRecord> judged = judge(uuids, locked, referenced, guard, now);
              List<ImageRecord> moving = judged.done();
              if (!moving.isEmpty()) {
                List<String> moved = moving.stream().map(ImageRecord::uuid).toList();
                long purgeAfter = saturatedAdd(now, retention.toMillis());
                trash.deleteAll(c, moved); // stale entries of the same ids and bytes
                trash.insertAll(
                    c,
                    moving.stream()
                        .map(image -> new TrashRecord(image, now, actor.name(), purgeAfter))
                        .toList());
                images.deleteAll(c, moved);
                audit.record(c, now, actor, AuditLog.TRASH, moving, image -> 0, detail);
              }
              return judged;
            });
    for (ImageRecord image : batch.done()) {
      recentLookups.forget(image.uuid());
    }
    if (batch.done().size() == 1) {
      logger.atInfo().log(
          "moved image %s to the trash for %s", batch.done().get(0).uuid(), actor.name());
    } else if (!batch.done().isEmpty()) {
      logger.atInfo().log("moved %d images to the trash for %s", batch.done().size(), actor.name());
    }
    return batch;
  }

  /**
   * Locks the contents of {@code rows} that {@code locked} (already locked, in order) lacks: an id
   * stored again with other bytes since it was read. Rare; such a lock out of order can only
   * deadlock, which the database breaks and the transaction is run again.
   */
  private void lockChangedContents(
      Connection c, Set<String> locked, Collection<? extends AuditLog.Subject> rows)
      throws SQLException {
    Set<String> changed = new TreeSet<>();
    for (AuditLog.Subject r : rows) {
      if (!locked.contains(r.sha256())) {
        changed.add(r.sha256());
      }
    }
    if (!changed.isEmpty()) {
      contents.rows().lockAll(c, changed);
      locked.addAll(changed);
    }
  }

  /** The conflict that {@code guard} calls for, or null when it holds. */
  private DomainException refusal(ImageRecord image, Guard guard, boolean referenced, long now) {
    if (guard == Guard.FORCE) {
      return null;
    }
    if (referenced) {
      return new ConflictException(
          "referenced",
          "image " + image.uuid() + " is referenced by a tracked branch; it is not deleted");
    }
    if (guard == Guard.ORPHAN_PAST_GRACE) {
      if (image.orphanedAt() == null) {
        return new ConflictException(
            "not_orphaned", "image " + image.uuid() + " is not orphaned; it is not deleted");
      }
      if (image.orphanedAt() > now - gracePeriod.toMillis()) {
        return new ConflictException(
            "in_grace_period",
            "image "
                + image.uuid()
                + " has been orphaned since "
                + Instant.ofEpochMilli(image.orphanedAt())
                + ", less than the grace period of "
                + gracePeriod
                + "; it is not deleted (a forced delete deletes it anyway)");
      }
    }
    return null;
  }

  /**
   * Reads the images {@code ids} name (at most {@link #BATCH}, in their order, each once) and
   * checks {@code guard} for each now, in one read: those it holds for, and those gone or refused
   * with the refusal {@link #moveToTrash} gives.
   */
  public Batch<ImageRecord> checkGuard(List<ImageId> ids, Guard guard) {
    return db.read(
        c -> {
          Map<String, ImageRecord> found = new HashMap<>();
          for (ImageRecord r : images.findAll(c, ids.stream().map(ImageId::value).toList())) {
            found.put(r.uuid(), r);
          }
          Set<String> referenced =
              guard == Guard.FORCE ? Set.of() : refs.referencedAmong(c, found.keySet());
          return judge(
              ids.stream().map(ImageId::value).toList(), found, referenced, guard, clock.millis());
        });
  }

  /**
   * Splits the images {@code uuids} name (in their order, each once: {@code found} loses each it
   * hands out) into those {@code guard} holds for, and those gone or refused.
   */
  private Batch<ImageRecord> judge(
      List<String> uuids,
      Map<String, ImageRecord> found,
      Set<String> referenced,
      Guard guard,
      long now) {
    List<ImageRecord> passed = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    for (String uuid : uuids) {
      ImageRecord image = found.remove(uuid);
      DomainException why =
          image == null
              ? new NotFoundException("no image " + uuid)
              : refusal(image, guard, referenced.contains(uuid), now);
      if (why == null) {
        passed.add(image);
      } else {
        refused.add(new Refusal(uuid, why));
      }
    }
    return new Batch<>(passed, refused);
  }

  /**
   * Takes an image out of the trash, with its metadata; its orphan mark is recomputed: none when a
   * reference names it, else orphaned from now, so the grace period starts again.
   *
   * @throws NotFoundException when it is not in the trash
   * @throws ConflictException when a live image has its id
   */
  public void restore(ImageId id, Actor actor, String detail) {
    OwedRecheck owed = OwedRecheck.of(Set.of(id.value()));
    db.inTransaction(
        c -> {
          if (images.find(c, id.value()).isPresent()) {
            throw new ConflictException("exists", "image " + id + " is not in the trash");
          }
          if (!restoreInTransaction(c, id.value(), actor, detail)) {
            throw new NotFoundException("image " + id + " is not in the trash");
          }
          images.owe(c, owed, clock.millis());
          return null;
        });
    // A reference removed meanwhile was invisible to the mark decided above.
    images.recheckOrphanMarks(db, owed, clock.millis());
    logger.atInfo().log("restored image %s for %s", id, actor.name());
  }

  @Override
  public Optional<ImageRecord> findTrashedForUpdate(Connection c, String uuid) throws SQLException {
    return trash.findForUpdate(c, uuid).map(TrashRecord::image);
  }

  @Override
  public boolean restoreInTransaction(Connection c, String uuid, Actor actor, String detail)
      throws SQLException {
    Optional<TrashRecord> entry = trash.findForUpdate(c, uuid);
    if (entry.isEmpty()) {
      return false;
    }
    long now = clock.millis();
    ImageRecord back = entry.get().image().withOrphanedAt(refs.isReferenced(c, uuid) ? null : now);
    trash.delete(c, uuid);
    images.insert(c, back);
    audit.record(c, now, actor, AuditLog.RESTORE, back, 0, detail);
    return true;
  }

  /**
   * Brings back those of {@code uuids} that are in the trash: a reference to them has just been
   * stored (in this transaction), so they are needed again.
   */
  public int restoreReferenced(Connection c, Collection<String> uuids, Actor actor)
      throws SQLException {
    int restored = 0;
    for (String uuid : trash.trashedAmong(c, uuids)) {
      if (restoreInTransaction(c, uuid, actor, referencedAgain(c, uuid))) {
        restored++;
        logger.atInfo().log("restored image %s from the trash: referenced again", uuid);
      }
    }
    return restored;
  }

  /** Brings back every trash entry a reference names (the orphan recomputation). */
  public int restoreAllReferenced(Connection c, Actor actor) throws SQLException {
    return restoreReferenced(c, trash.trashedAndReferenced(c), actor);
  }

  private String referencedAgain(Connection c, String uuid) throws SQLException {
    return refs.findByUuid(c, uuid, 1).stream()
        .findFirst()
        .map(r -> "referenced again: " + r.project() + " " + r.branch() + " " + r.path())
        .orElse("referenced again");
  }

  /**
   * Deletes a trash entry for good, and its bytes unless an image or another trash entry has the
   * same content.
   *
   * @return the bytes freed, or empty when it was not in the trash
   */
  public Optional<Long> purge(ImageId id, Actor actor, String detail) {
    Optional<TrashRecord> seen = find(id);
    if (seen.isEmpty()) {
      return Optional.empty();
    }
    Batch<PurgedEntry> batch = purge(List.of(seen.get()), actor, detail);
    return batch.done().stream().findFirst().map(PurgedEntry::bytesFreed);
  }

  /** A trash entry a purge deleted, and the bytes that left the blob store with it. */
  public record PurgedEntry(ImageRecord image, long bytesFreed) {}

  /**
   * Purges {@code seen} (at most {@link #BATCH} trash entries, as read before) in one transaction:
   * the entries, a {@code deleting} mark on each content that nothing holds any more, and an audit
   * line per entry; the marked contents' bytes go after it has committed. Entries gone meanwhile
   * (restored or purged) are left alone. Of several entries with the same content, the last one
   * frees its bytes, as purging them one at a time would.
   */
  public Batch<PurgedEntry> purge(List<TrashRecord> seen, Actor actor, String detail) {
    record Purge(Batch<PurgedEntry> batch, Set<String> released) {}
    Purge purge =
        db.inTransaction(
            c -> {
              Set<String> shas = new TreeSet<>();
              seen.forEach(t -> shas.add(t.image().sha256()));
              contents.rows().lockAll(c, shas);
              Map<String, ImageRecord> locked = new HashMap<>();
              for (TrashRecord t : trash.findAllForUpdate(c, uuids(seen))) {
                locked.put(t.image().uuid(), t.image());
              }
              lockChangedContents(c, shas, locked.values());
              List<ImageRecord> purging = new ArrayList<>();
              List<Refusal> refused = new ArrayList<>();
              for (TrashRecord t : seen) {
                ImageRecord entry = locked.remove(t.image().uuid()); // once each
                if (entry == null) {
                  refused.add(new Refusal(t.image().uuid(), notInTrash(t.image().uuid())));
                } else {
                  purging.add(entry);
                }
              }
              if (purging.isEmpty()) {
                return new Purge(new Batch<>(List.of(), refused), Set.of());
              }
              trash.deleteAll(c, purging.stream().map(ImageRecord::uuid).toList());
              // The bytes go only after this commits: a failed commit must leave them in place.
              Set<String> released =
                  contents.releaseIfUnheld(
                      c, purging.stream().map(ImageRecord::sha256).collect(toTreeSet()));
              Map<String, ImageRecord> freeing = new HashMap<>();
              for (ImageRecord entry : purging) {
                if (released.contains(entry.sha256())) {
                  freeing.put(entry.sha256(), entry); // the last of its content
                }
              }
              ToLongFunction<ImageRecord> bytesFreed =
                  entry -> freeing.get(entry.sha256()) == entry ? entry.size() : 0;
              audit.record(c, clock.millis(), actor, AuditLog.PURGE, purging, bytesFreed, detail);
              List<PurgedEntry> done = new ArrayList<>();
              for (ImageRecord entry : purging) {
                done.add(new PurgedEntry(entry, bytesFreed.applyAsLong(entry)));
              }
              return new Purge(new Batch<>(done, refused), released);
            });
    contents.reclaim(purge.released());
    List<PurgedEntry> done = purge.batch().done();
    long bytes = done.stream().mapToLong(PurgedEntry::bytesFreed).sum();
    if (done.size() == 1) {
      logger.atInfo().log(
          "purged image %s (%d bytes freed) for %s",
          done.get(0).image().uuid(), bytes, actor.name());
    } else if (!done.isEmpty()) {
      logger.atInfo().log(
          "purged %d trash entries (%d bytes freed) for %s", done.size(), bytes, actor.name());
    }
    return purge.batch();
  }

  private static List<String> uuids(List<TrashRecord> entries) {
    return entries.stream().map(t -> t.image().uuid()).toList();
  }

  private static Collector<String, ?, TreeSet<String>> toTreeSet() {
    return Collectors.toCollection(TreeSet::new);
  }

  /** How far the running (or last) purge of the trash is, for the metrics. */
  public BulkSnapshot purgeProgress() {
    return purgeProgress.snapshot();
  }

  /** Trash entries whose retention has ended (all of them with {@code all}), at most limit. */
  private List<TrashRecord> purgeable(boolean all, int limit) {
    return db.read(
        c -> all ? trash.list(c, null, limit) : trash.listExpired(c, clock.millis(), limit));
  }

  /**
   * Purges the trash entries named by {@code uuids}, or else those past their retention (every
   * entry with {@code all}), at most {@link CleanupOutcome#MAX_IMAGES} of them; with {@code dryRun}
   * it only says what purging them would free. Named ids not in the trash, and entries gone
   * meanwhile (restored, purged), are skipped.
   */
  public CleanupOutcome purge(
      List<ImageId> uuids, boolean all, boolean dryRun, Actor actor, String detail) {
    List<TrashRecord> entries;
    List<String> missing = new ArrayList<>();
    if (uuids != null) {
      entries = new ArrayList<>();
      Map<String, TrashRecord> found = new HashMap<>();
      for (List<ImageId> slice : Lists.partition(uuids, BATCH)) {
        db.read(c -> trash.findAll(c, slice.stream().map(ImageId::value).toList()))
            .forEach(t -> found.put(t.image().uuid(), t));
      }
      for (ImageId id : uuids) {
        TrashRecord t = found.get(id.value());
        if (t == null) {
          missing.add(id.value());
        } else {
          entries.add(t);
        }
      }
    } else {
      entries = purgeable(all, CleanupOutcome.MAX_IMAGES);
    }
    CleanupOutcome.Builder result = CleanupOutcome.builder(dryRun);
    if (dryRun) {
      account(result, entries.stream().map(TrashRecord::image).toList());
    } else {
      // A transaction per BATCH entries (seconds at 10,000): a purge of what a selection picks (up
      // to 10,000) is a bulk call that reports its progress, one at a time. One naming its entries
      // is bounded by its request and runs beside anything, as every other write.
      boolean bulk = uuids == null;
      if (bulk && !purgeProgress.start(entries.size())) {
        throw new ConflictException(
            "purge_running", "the trash is being purged: " + purgeProgress.describe());
      }
      boolean completed = false;
      try {
        int purged = 0;
        for (List<TrashRecord> slice : Lists.partition(entries, BATCH)) {
          Batch<PurgedEntry> batch = purge(slice, actor, detail);
          for (PurgedEntry p : batch.done()) {
            result.cleaned(p.image(), p.bytesFreed() > 0, p.bytesFreed());
          }
          batch.refused().forEach(r -> result.skip(r.uuid(), r.why()));
          purged += batch.done().size();
          if (bulk) {
            purgeProgress.advance(slice.size(), purged + " purged");
          }
        }
        completed = true;
      } finally {
        if (bulk) {
          purgeProgress.finish(completed);
        }
      }
    }
    for (String uuid : missing) {
      result.skip(uuid, notInTrash(uuid));
    }
    return result.more(uuids == null && entries.size() == CleanupOutcome.MAX_IMAGES).build();
  }

  private static NotFoundException notInTrash(String uuid) {
    return new NotFoundException("image " + uuid + " is not in the trash");
  }

  /** Purges every entry whose retention has ended; the periodic task. Returns how many. */
  public int purgeExpired() {
    int purged = 0;
    while (true) {
      List<TrashRecord> expired = purgeable(false, BATCH);
      purged += purge(expired, Actor.SYSTEM, "retention ended").done().size();
      if (expired.size() < BATCH) {
        return purged;
      }
    }
  }

  public Optional<TrashRecord> find(ImageId id) {
    return db.read(c -> trash.find(c, id.value()));
  }

  /**
   * Trash entries in id order, {@code limit} of them after {@code after} (null: from the start).
   */
  public List<TrashRecord> list(String after, int limit) {
    return db.read(c -> trash.list(c, after, limit));
  }

  /** A trash entry with the references that name its image now. */
  public Optional<TrashedImage> details(ImageId id) {
    return db.read(
        c -> {
          Optional<TrashRecord> t = trash.find(c, id.value());
          if (t.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(
              new TrashedImage(
                  t.get(), refs.findByUuid(c, id.value(), ImageService.MAX_REFERENCES_IN_INFO)));
        });
  }

  /** The bytes of a trash entry; empty if they vanished (purged in between). */
  public Optional<InputStream> open(TrashRecord t) throws IOException {
    return blobs.open(t.image().sha256());
  }

  /**
   * Adds {@code selected} (images or trash entries) to a cleanup's outcome, with the bytes that
   * cleaning them up frees: a content's bytes are freed when every holder of it is among the
   * selected.
   */
  public void account(CleanupOutcome.Builder result, List<ImageRecord> selected) {
    Map<String, Long> selectedPerContent = new HashMap<>();
    for (ImageRecord r : selected) {
      selectedPerContent.merge(r.sha256(), 1L, Long::sum);
    }
    Map<String, Long> holders =
        db.read(c -> contents.rows().holders(c, new LinkedHashSet<>(selectedPerContent.keySet())));
    Map<String, Boolean> counted = new HashMap<>();
    for (ImageRecord r : selected) {
      boolean freesBytes =
          holders.getOrDefault(r.sha256(), 0L) <= selectedPerContent.get(r.sha256());
      boolean firstOfContent = freesBytes && counted.putIfAbsent(r.sha256(), true) == null;
      result.cleaned(r, freesBytes, firstOfContent ? r.size() : 0);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
