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

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.entities.Change;
import com.google.gerrit.entities.ChangeMessage;
import com.google.gerrit.entities.PatchSet;
import com.google.gerrit.entities.Project;
import com.google.gerrit.extensions.restapi.RestApiException;
import com.google.gerrit.server.ChangeMessagesUtil;
import com.google.gerrit.server.InternalUser;
import com.google.gerrit.server.notedb.ChangeNotes;
import com.google.gerrit.server.update.BatchUpdate;
import com.google.gerrit.server.update.BatchUpdateOp;
import com.google.gerrit.server.update.ChangeContext;
import com.google.gerrit.server.update.RetryHelper;
import com.google.gerrit.server.update.UpdateException;
import com.google.gerrit.server.update.context.RefUpdateContext;
import com.google.gerrit.server.update.context.RefUpdateContext.RefUpdateType;
import com.google.gerrit.server.util.time.TimeUtil;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Posts the previews of a new patch set as one patch-set-level comment, from Gerrit's own server
 * identity (no account to set up, and no vote).
 */
@Singleton
public class PreviewPoster {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final ImagestoreConfig config;
  private final ChangeNotes.Factory notesFactory;
  private final PreviewBuilder previews;
  private final BatchUpdate.Factory updates;
  private final InternalUser.Factory internalUser;
  private final ChangeMessagesUtil messages;
  private final RetryHelper retries;

  @Inject
  PreviewPoster(
      ImagestoreConfig config,
      ChangeNotes.Factory notesFactory,
      PreviewBuilder previews,
      BatchUpdate.Factory updates,
      InternalUser.Factory internalUser,
      ChangeMessagesUtil messages,
      RetryHelper retries) {
    this.retries = retries;
    this.config = config;
    this.notesFactory = notesFactory;
    this.previews = previews;
    this.updates = updates;
    this.internalUser = internalUser;
    this.messages = messages;
  }

  /**
   * Comments on patch set {@code patchSet} of change {@code change} if it changes links, unless it
   * has been commented on already or its link changes are those of the previous patch set (a
   * trivial rebase). Safe to replay.
   */
  public void post(String projectName, int change, int patchSet)
      throws IOException, UpdateException, RestApiException {
    Project.NameKey project = Project.nameKey(projectName);
    ChangeNotes notes = notesFactory.createChecked(project, Change.id(change));
    if (!config.isEnabled(project) || !config.isTracked(notes.getChange().getDest().branch())) {
      return;
    }
    PatchSet.Id psId = PatchSet.id(notes.getChangeId(), patchSet);
    PatchSet ps = notes.getPatchSets().get(psId);
    if (ps == null || alreadyCommented(notes, psId)) {
      return;
    }
    List<LinkChange> changes = previews.changes(project, ps.commitId());
    if (changes.isEmpty()) {
      return;
    }
    PatchSetComparisons comparisons = previews.comparisons(project, ps.commitId(), changes);
    Map.Entry<PatchSet.Id, PatchSet> previous = notes.getPatchSets().lowerEntry(psId);
    if (previous != null
        && changes.equals(previews.changes(project, previous.getValue().commitId()))
        && comparisons.equals(
            previews.comparisons(project, previous.getValue().commitId(), changes))) {
      // A new comment only when the figures or the verdicts can differ.
      logger.atFine().log(
          "%s: same link changes and comparisons as %s, no comment", psId, previous.getKey());
      return;
    }
    PreviewsInfo info = previews.build(change, patchSet, changes, comparisons);
    if (info.counts.unverified > 0 && changes.size() <= config.maxPreviewImages()) {
      // The service could not be asked: the durable job is retried rather than a comment posted
      // that cannot say what the images are.
      throw new IOException("previews of " + psId + ": " + info.serviceProblem);
    }
    String message = PreviewComment.format(info);
    // Retried on lock failures: a reviewer or vote may land on the change at the same moment.
    try {
      retries
          .changeUpdate(
              "imagestore-previews",
              () -> {
                comment(project, notes.getChangeId(), psId, message);
                return null;
              })
          .call();
    } catch (UpdateException | RestApiException | IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new UpdateException(e);
    }
  }

  private void comment(Project.NameKey project, Change.Id id, PatchSet.Id psId, String message)
      throws UpdateException, RestApiException {
    // Gerrit checks that change meta refs move only inside a declared kind of update.
    try (RefUpdateContext ctx = RefUpdateContext.open(RefUpdateType.CHANGE_MODIFICATION);
        BatchUpdate bu = updates.create(project, internalUser.create(), TimeUtil.now())) {
      bu.addOp(id, new CommentOp(psId, message));
      bu.execute();
    }
  }

  private static boolean alreadyCommented(ChangeNotes notes, PatchSet.Id psId) {
    for (ChangeMessage m : notes.getChangeMessages()) {
      if (PreviewComment.TAG.equals(m.getTag()) && psId.equals(m.getPatchSetId())) {
        return true;
      }
    }
    return false;
  }

  private class CommentOp implements BatchUpdateOp {
    private final PatchSet.Id psId;
    private final String message;

    CommentOp(PatchSet.Id psId, String message) {
      this.psId = psId;
      this.message = message;
    }

    @Override
    public boolean updateChange(ChangeContext ctx) {
      // Checked again under the update: two replays of one job must not post twice.
      if (alreadyCommented(ctx.getNotes(), psId)) {
        return false;
      }
      messages.setChangeMessage(ctx.getUpdate(psId), message, PreviewComment.TAG);
      return true;
    }
  }
}
