package com.googlesource.gerrit.plugins.imagestore.service.orphans;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.OrphanSweepResult;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRepository;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.metrics.ServiceMetrics;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceRepository;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Images no commit of a tracked branch references. The orphan mark is kept current by the
 * references API; {@link #sweep()} recomputes it from scratch.
 */
public final class OrphanService {
  private final Database db;
  private final ImageRepository images;
  private final ReferenceRepository refs;
  private final ImageService imageService;
  private final Clock clock;

  public OrphanService(
      Database db,
      ImageRepository images,
      ReferenceRepository refs,
      ImageService imageService,
      Clock clock) {
    this.db = db;
    this.images = images;
    this.refs = refs;
    this.imageService = imageService;
    this.clock = clock;
  }

  /** Orphans that have been orphaned for at least {@code minAge}, in id order. */
  public List<ImageInfo> list(Duration minAge, String after, int limit) {
    long before = clock.millis() - minAge.toMillis();
    return db.read(c -> images.listOrphans(c, before, after, limit)).stream()
        .map(ImageService::toInfo)
        .toList();
  }

  /** The image if it is an orphan. */
  /** How many images are referenced and how many are orphaned, for the metrics. */
  public ServiceMetrics.ImageCounts counts() {
    return db.read(
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(orphaned_at) FROM images")) {
            rs.next();
            long all = rs.getLong(1);
            long orphaned = rs.getLong(2);
            return new ServiceMetrics.ImageCounts(all - orphaned, orphaned);
          }
        });
  }

  public Optional<ImageInfo> get(ImageId id) {
    return imageService.info(id).filter(i -> !i.referenced && i.orphanedAt != null);
  }

  /**
   * Marks an unreferenced image orphaned since {@code since} (now when null), for instance to let
   * it go before the grace period ends.
   */
  public ImageInfo mark(ImageId id, Instant since) {
    Instant when = since == null ? clock.instant() : since;
    if (when.isAfter(clock.instant())) {
      throw RequestException.badRequest("bad_time", "orphanedAt lies in the future");
    }
    db.inTransaction(
        c -> {
          Optional<ImageRecord> image = images.findForUpdate(c, id.value());
          if (image.isEmpty()) {
            throw RequestException.notFound("no image " + id);
          }
          if (refs.isReferenced(c, id.value())) {
            throw RequestException.conflict(
                "referenced", "image " + id + " is referenced by a tracked branch");
          }
          images.setOrphanedAt(c, id.value(), when.toEpochMilli());
          return null;
        });
    return imageService.info(id).orElseThrow();
  }

  /** Recomputes every orphan mark from the references. */
  public OrphanSweepResult sweep() {
    long now = clock.millis();
    OrphanSweepResult result = new OrphanSweepResult();
    db.inTransaction(
        c -> {
          result.cleared = images.clearReferenced(c);
          result.marked = images.markUnreferenced(c, now);
          return null;
        });
    return result;
  }

  /** Deletes an orphan. @return false when there is no such image */
  public boolean delete(ImageId id) {
    return imageService.delete(id, true, true);
  }
}
