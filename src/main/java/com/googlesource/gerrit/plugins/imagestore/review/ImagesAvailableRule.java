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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The merge gate: a change to a tracked branch cannot be submitted while one of its links names an
 * image the service does not have (its reference or any accepted variant), or does not parse. The
 * requirement names the files and the missing images.
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
  private final ServiceCalls serviceCalls;

  /**
   * Images known to be stored. Rules are evaluated whenever a change is indexed or shown, so the
   * answer is remembered; only "present" is, so an upload is seen at once.
   */
  private final Cache<ImageId, Boolean> present =
      CacheBuilder.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofHours(1)).build();

  @Inject
  ImagesAvailableRule(
      ImagestoreConfig config,
      PreviewBuilder previews,
      ImagestoreConnection connection,
      ServiceCalls serviceCalls) {
    this.serviceCalls = serviceCalls;
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
      // Ask only about images not known to be stored, at most maxPreviewImages per evaluation,
      // in parallel and within reviewDeadline: the answers found are remembered, so a huge
      // change is verified over a few evaluations and a dead service costs little.
      Set<ImageId> unknown = new LinkedHashSet<>();
      for (LinkChange c : changes) {
        if (c.problem() == null) {
          for (ImageId id : c.newIds()) {
            if (present.getIfPresent(id) == null) {
              unknown.add(id);
            }
          }
        }
      }
      List<ImageId> asked =
          new ArrayList<>(unknown).subList(0, Math.min(unknown.size(), config.maxPreviewImages()));
      Map<ImageId, ServiceCalls.Outcome<Boolean>> answers = new HashMap<>();
      if (!asked.isEmpty()) {
        try (ImagestoreClient client = connection.interactiveClient()) {
          List<Callable<Boolean>> calls = new ArrayList<>();
          for (ImageId id : asked) {
            calls.add(() -> client.exists(id));
          }
          List<ServiceCalls.Outcome<Boolean>> outcomes = serviceCalls.runAll(calls);
          for (int i = 0; i < asked.size(); i++) {
            answers.put(asked.get(i), outcomes.get(i));
          }
        }
      }
      String cannotVerify = null;
      int unverified = 0;
      for (LinkChange c : changes) {
        if (c.problem() != null) {
          problems.add(
              Markdown.visible(c.path())
                  + " (does not parse: "
                  + Markdown.visible(c.problem())
                  + ")");
          continue;
        }
        List<String> missing = new ArrayList<>();
        for (ImageId id : c.newIds()) {
          if (present.getIfPresent(id) != null) {
            continue;
          }
          ServiceCalls.Outcome<Boolean> answer = answers.get(id);
          if (answer == null || !answer.ok()) {
            unverified++;
            if (cannotVerify == null) {
              cannotVerify =
                  answer == null ? "more images than one evaluation checks" : answer.problem();
            }
          } else if (answer.value()) {
            present.put(id, true);
          } else {
            missing.add((id.equals(c.newId()) ? "image " : "variant ") + id);
          }
        }
        if (!missing.isEmpty()) {
          problems.add(
              Markdown.visible(c.path()) + " (" + String.join(", ", missing) + " not uploaded)");
        }
      }
      if (!problems.isEmpty()) {
        record.status = SubmitRecord.Status.NOT_READY;
        record.errorMessage = message(problems);
      } else if (unverified > 0) {
        // Not OK, and said plainly: the gate could not check, which is not the change's fault.
        record.status = SubmitRecord.Status.RULE_ERROR;
        record.errorMessage =
            "cannot verify "
                + unverified
                + (unverified == 1 ? " image" : " images")
                + " now: "
                + cannotVerify
                + ". Try again later.";
      } else {
        record.status = SubmitRecord.Status.OK;
      }
    } catch (IOException e) {
      logger.atWarning().withCause(e).log("merge gate of change %s", cd.getId());
      record.status = SubmitRecord.Status.RULE_ERROR;
      record.errorMessage = "cannot verify the images: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      record.status = SubmitRecord.Status.RULE_ERROR;
      record.errorMessage = "cannot verify the images: interrupted";
    }
    return Optional.of(record);
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
