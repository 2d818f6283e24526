package com.googlesource.gerrit.plugins.imagestore.review;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.flogger.FluentLogger;
import com.google.gerrit.entities.SubmitRecord;
import com.google.gerrit.server.query.change.ChangeData;
import com.google.gerrit.server.rules.SubmitRule;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.remote.ImagestoreConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The merge gate: a change to a tracked branch cannot be submitted while one of its links names an
 * image the service does not have, or does not parse. The requirement names the files.
 */
@Singleton
public class ImagesAvailableRule implements SubmitRule {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** The requirement's name on the change screen and in submit errors. */
  public static final String NAME = "Imagestore-Images-Available";

  /** Files named in the message; the rest are counted. */
  private static final int MAX_NAMED = 10;

  private final ImagestoreConfig config;
  private final PreviewBuilder previews;
  private final ImagestoreConnection connection;

  /**
   * Images known to be stored. Rules are evaluated whenever a change is indexed or shown, so the
   * answer is remembered; only "present" is, so an upload is seen at once.
   */
  private final Cache<ImageId, Boolean> present =
      CacheBuilder.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofHours(1)).build();

  @Inject
  ImagesAvailableRule(
      ImagestoreConfig config, PreviewBuilder previews, ImagestoreConnection connection) {
    this.config = config;
    this.previews = previews;
    this.connection = connection;
  }

  @Override
  public Optional<SubmitRecord> evaluate(ChangeData cd) {
    if (!config.isTracked(cd.change().getDest().branch()) || !config.isMergeGateOn(cd.project())) {
      return Optional.empty();
    }
    SubmitRecord record = new SubmitRecord();
    record.ruleName = NAME;
    try {
      List<String> problems = new ArrayList<>();
      List<LinkChange> changes = previews.changes(cd.project(), cd.currentPatchSet().commitId());
      try (ImagestoreClient client = connection.client()) {
        for (LinkChange c : changes) {
          if (c.problem() != null) {
            problems.add(
                Markdown.visible(c.path())
                    + " (does not parse: "
                    + Markdown.visible(c.problem())
                    + ")");
          } else if (c.newId() != null && !isStored(client, c.newId())) {
            problems.add(Markdown.visible(c.path()) + " (image " + c.newId() + " not uploaded)");
          }
        }
      }
      record.status = problems.isEmpty() ? SubmitRecord.Status.OK : SubmitRecord.Status.NOT_READY;
      if (!problems.isEmpty()) {
        record.errorMessage = message(problems);
      }
    } catch (IOException e) {
      logger.atWarning().withCause(e).log("merge gate of change %s", cd.getId());
      record.status = SubmitRecord.Status.RULE_ERROR;
      record.errorMessage = "cannot ask the image service: " + e.getMessage();
    }
    return Optional.of(record);
  }

  private boolean isStored(ImagestoreClient client, ImageId id) throws IOException {
    if (present.getIfPresent(id) != null) {
      return true;
    }
    boolean exists = client.exists(id);
    if (exists) {
      present.put(id, true);
    }
    return exists;
  }

  private static String message(List<String> problems) {
    StringBuilder s =
        new StringBuilder(
            problems.size() == 1
                ? "1 link names no image in the image service: "
                : problems.size() + " links name no image in the image service: ");
    s.append(String.join(", ", problems.subList(0, Math.min(MAX_NAMED, problems.size()))));
    if (problems.size() > MAX_NAMED) {
      s.append(", and ").append(problems.size() - MAX_NAMED).append(" more");
    }
    return s.append(". Upload the images, or fix the links.").toString();
  }
}
