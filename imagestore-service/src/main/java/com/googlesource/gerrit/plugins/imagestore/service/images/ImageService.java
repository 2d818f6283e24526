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

package com.googlesource.gerrit.plugins.imagestore.service.images;

import com.google.common.annotations.VisibleForTesting;
import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.audit.Actor;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditLog;
import com.googlesource.gerrit.plugins.imagestore.service.auth.AccountStamp;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents.Confirmable;
import com.googlesource.gerrit.plugins.imagestore.service.content.Contents.UnrecordedBytes;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.db.GroupCommit;
import com.googlesource.gerrit.plugins.imagestore.service.domain.AccountChangedException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.ConflictException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.OwedRecheck;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository.UploadProbe;
import com.googlesource.gerrit.plugins.imagestore.service.png.IncomingImage;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Stores and reads images: bytes in the {@link BlobStore}, metadata in the database.
 *
 * <p>An upload stores the bytes first, durably, then records the image in a transaction that
 * confirms the bytes under the content's row lock ({@link Contents}), so an acknowledged upload
 * survives a crash and a row never names missing bytes. Deleting is the trash service's: images go
 * to the trash first, bytes only after the purge that frees them has committed.
 */
public final class ImageService {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** How many references a read of one image ({@link #details}) lists at most. */
  public static final int MAX_REFERENCES_IN_INFO = 1000;

  /** Images up to this size are read whole ({@link #read}); larger ones are streamed. */
  public static final long MAX_HELD_BYTES = 8L * 1024 * 1024;

  private final Database db;
  private final BlobStore blobs;
  private final ImageRepository images;
  private final ReferenceLookup refs;
  private final TrashedImages trash;
  private final Contents contents;
  private final RecentLookups recent;
  private final AuditLog audit;
  private final Clock clock;

  /** The uploads waiting at the same moment, recorded in one transaction. */
  private final GroupCommit<Upload> uploads;

  /** The orphan-mark rechecks of uploads waiting at the same moment, committed together. */
  private final GroupCommit<OwedRecheck> rechecks;

  public ImageService(
      Database db,
      BlobStore blobs,
      ImageRepository images,
      ReferenceLookup refs,
      TrashedImages trash,
      Contents contents,
      RecentLookups recent,
      AuditLog audit,
      Clock clock) {
    this.db = db;
    this.audit = audit;
    this.contents = contents;
    this.recent = recent;
    this.blobs = blobs;
    this.images = images;
    this.refs = refs;
    this.trash = trash;
    this.clock = clock;
    this.rechecks =
        new GroupCommit<>(db, (c, owed) -> images.recheckOrphanMarks(c, owed, clock.millis()));
    this.uploads = new GroupCommit<>(db, this::recordUploads);
  }

  /** Whether {@link #store} created the image or found these bytes under the id already. */
  public enum StoreOutcome {
    CREATED,
    EXISTS
  }

  /** What an upload says of its image; either may be null. */
  public record Metadata(TestSpec spec, TestRuntime runtime) {
    public static final Metadata NONE = new Metadata(null, null);
  }

  /**
   * Stores an uploaded image under {@code id}.
   *
   * @throws ConflictException when {@code id} holds other bytes
   */
  public StoreOutcome store(IncomingImage image, ImageId id, Metadata meta, Actor uploaderActor) {
    return store(image, id, meta, uploaderActor, null);
  }

  /**
   * Like {@link #store}; with {@code importDetail} (an admin's import under an id that need not be
   * content-derived) a new image is recorded in the audit log, action {@link AuditLog#IMPORT}, in
   * the transaction that stores it.
   */
  public StoreOutcome store(
      IncomingImage image, ImageId id, Metadata meta, Actor uploaderActor, String importDetail) {
    MetadataRules.check(meta.spec(), meta.runtime());
    String sha = image.sha256();
    // The bytes first, durably and outside any transaction, after a note that finds them again: a
    // crash or a failure from here on leaves at most bytes that no row names yet, which the note's
    // settling and the sweeper collect; never a row without its bytes.
    try (UnrecordedBytes bytes = beginStore(sha, image.size())) {
      for (int attempt = 0; ; attempt++) {
        try {
          bytes.put(image.file());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        Upload upload = new Upload(image, id, meta, uploaderActor, importDetail, clock.millis());
        try {
          uploads.run(upload);
        } catch (IdAppeared | Contents.ContentAppeared e) {
          // Look again in a new transaction; what the failed one decided does not stand.
          upload.outcome = null;
          upload.refused = null;
        }
        if (upload.refused != null) {
          // The bytes of this content may serve no image now.
          bytes.free();
          throw upload.refused;
        }
        if (upload.outcome != null) {
          bytes.recorded();
          if (upload.outcome == StoreOutcome.CREATED) {
            // A reference added or removed while this upload decided its orphan mark could not
            // see the new row yet: look again now that the row is committed. Uploads answering at
            // the same moment share the recheck's transaction; each answers after its own
            // committed.
            images.recheckOrphanMarks(db, upload.owed, clock.millis(), rechecks::run);
            logger.atFine().log(
                "stored image %s (%d bytes, %dx%d) for %s",
                id,
                image.size(),
                image.header().width(),
                image.header().height(),
                uploaderActor.name());
          }
          return upload.outcome;
        }
        // The bytes were reclaimed in between (a purge finished meanwhile): store them again.
        if (attempt > 10) {
          throw new IllegalStateException("could not store " + id + " (content " + sha + ")");
        }
      }
    }
  }

  private UnrecordedBytes beginStore(String sha, long size) {
    try {
      return contents.beginStore(sha, size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An upload whose bytes are stored, waiting for the transaction that records it ({@link
   * #recordUploads}); that transaction sets its answer.
   */
  private static final class Upload {
    final IncomingImage image;
    final ImageId id;
    final Metadata meta;
    final Actor uploader;
    final String importDetail;
    final long now;
    final OwedRecheck owed;

    /** CREATED or EXISTS; null (and {@link #refused} null): the bytes went, store them again. */
    StoreOutcome outcome;

    /** The refusal that is this upload's answer; it recorded nothing. */
    DomainException refused;

    Upload(
        IncomingImage image,
        ImageId id,
        Metadata meta,
        Actor uploader,
        String importDetail,
        long now) {
      this.image = image;
      this.id = id;
      this.meta = meta;
      this.uploader = uploader;
      this.importDetail = importDetail;
      this.now = now;
      this.owed = OwedRecheck.of(Set.of(id.value()));
    }

    String sha() {
      return image.sha256();
    }
  }

  /**
   * Records the uploads waiting at the same moment in the caller's transaction, set-based: their
   * contents confirmed under the row locks, their ids probed, their new images inserted and their
   * rechecks owed with a statement each, whatever their number. Each upload's answer is decided
   * from what those reads returned and what the uploads before it in {@code batch} recorded, so
   * uploads of one id or one content together answer as they would one after the other. A refusal
   * is its upload's answer and records nothing; an id inserted meanwhile by another transaction
   * fails the whole transaction ({@link IdAppeared}), and {@link GroupCommit} runs each upload
   * again alone.
   */
  private void recordUploads(Connection c, List<Upload> batch) throws SQLException {
    Set<AccountStamp> stamps = new HashSet<>();
    batch.forEach(u -> Optional.ofNullable(u.uploader.stamp()).ifPresent(stamps::add));
    Set<AccountStamp> confirmed = stamps.isEmpty() ? Set.of() : AccountStamp.confirmed(c, stamps);
    Confirmable bytes = contents.lockConfirmable(c, batch.stream().map(Upload::sha).toList());
    Map<String, UploadProbe> probes =
        images.probeForUploads(c, batch.stream().map(u -> u.id.value()).toList());
    Map<String, String> recordedNow = new HashMap<>(); // id to content, by uploads of this batch
    SortedMap<String, Long> held = new TreeMap<>(); // content to size
    List<ImageRecord> created = new ArrayList<>();
    List<Map.Entry<Upload, ImageRecord>> imported = new ArrayList<>();
    List<OwedRecheck> owed = new ArrayList<>();
    for (Upload u : batch) {
      u.outcome = null; // set afresh: a failed transaction runs again
      u.refused = null;
      AccountStamp stamp = u.uploader.stamp();
      if (stamp != null && !confirmed.contains(stamp)) {
        u.refused = new AccountChangedException(u.uploader.name());
        continue;
      }
      String uuid = u.id.value();
      if (!bytes.present().contains(u.sha())) {
        continue; // reclaimed in between: the upload stores the bytes again
      }
      UploadProbe probe = probes.get(uuid);
      String imageSha = recordedNow.containsKey(uuid) ? recordedNow.get(uuid) : probe.imageSha256();
      if (imageSha != null) {
        if (imageSha.equals(u.sha())) {
          u.outcome = StoreOutcome.EXISTS;
          held.put(u.sha(), u.image.size());
        } else {
          u.refused = idTaken(u.id);
        }
        continue;
      }
      if (probe.trashedSha256() != null) {
        Optional<ImageRecord> trashed = trash.findTrashedForUpdate(c, uuid);
        if (trashed.isPresent()) {
          if (!trashed.get().sha256().equals(u.sha())) {
            u.refused =
                new ConflictException(
                    "id_taken", "image " + u.id + " is in the trash with other content");
            continue;
          }
          // Uploaded again: it is wanted, so it comes back as it was.
          trash.restoreInTransaction(c, uuid, u.uploader, "uploaded again");
          recordedNow.put(uuid, u.sha());
          held.put(u.sha(), u.image.size());
          owed.add(u.owed);
          u.outcome = StoreOutcome.CREATED;
          continue;
        }
      }
      ImageRecord image =
          new ImageRecord(
              uuid,
              u.sha(),
              u.image.size(),
              u.image.header().width(),
              u.image.header().height(),
              u.now,
              u.uploader.name(),
              u.meta.spec(),
              u.meta.runtime(),
              probe.referenced() ? null : u.now);
      created.add(image);
      if (u.importDetail != null) {
        imported.add(Map.entry(u, image));
      }
      recordedNow.put(uuid, u.sha());
      held.put(u.sha(), u.image.size());
      owed.add(u.owed);
      u.outcome = StoreOutcome.CREATED;
    }
    contents.makeLive(c, bytes, held);
    try {
      images.insertAll(c, created);
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        // An id appeared meanwhile: another upload of other bytes, or a reference restoring it
        // from the trash (same bytes). Each upload looks again, alone.
        throw new IdAppeared();
      }
      throw e;
    }
    for (Map.Entry<Upload, ImageRecord> i : imported) {
      Upload u = i.getKey();
      audit.record(c, u.now, u.uploader, AuditLog.IMPORT, i.getValue(), 0, u.importDetail);
    }
    images.owe(c, owed, clock.millis());
  }

  /** The group commit of the uploads' transactions, for tests: who waits, how many committed. */
  @VisibleForTesting
  public GroupCommit<?> uploadCommits() {
    return uploads;
  }

  /** Unwinds a transaction whose insert found an id taken meanwhile, so that it is retried. */
  private static final class IdAppeared extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdAppeared() {
      super(null, null, false, false);
    }
  }

  private static ConflictException idTaken(ImageId id) {
    return new ConflictException("id_taken", "image " + id + " exists with other content");
  }

  public Optional<ImageRecord> find(ImageId id) {
    return db.read(c -> images.find(c, id.value()));
  }

  /**
   * The content a download of {@code id} serves; may answer from {@link RecentLookups}: for
   * downloads only.
   */
  public Optional<ImageContent> findForDownload(ImageId id) {
    return recent.find(id.value(), () -> db.read(c -> images.findContent(c, id.value())));
  }

  /** Opens the bytes of a stored image; empty if they vanished (deleted in between). */
  public Optional<InputStream> open(ImageRecord image) throws IOException {
    return blobs.open(image.sha256());
  }

  /** The bytes of a stored image in one buffer; empty if they vanished (deleted in between). */
  public Optional<ByteBuffer> read(ImageContent image) throws IOException {
    return blobs.read(image.sha256(), image.size());
  }

  /** The image with the references that name it. */
  public Optional<StoredImage> details(ImageId id) {
    return db.read(
        c -> {
          Optional<ImageRecord> image = images.find(c, id.value());
          if (image.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(
              new StoredImage(image.get(), refs.findByUuid(c, id.value(), MAX_REFERENCES_IN_INFO)));
        });
  }

  public List<String> list(String after, int limit) {
    return db.read(c -> images.listIds(c, after, limit));
  }
}
