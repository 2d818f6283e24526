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

package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.entities.Project;
import com.google.gerrit.entities.RefNames;
import com.google.gerrit.extensions.common.ChangeInfo;
import com.google.gerrit.extensions.events.ChangeMergedListener;
import com.google.gerrit.extensions.events.GitReferenceUpdatedListener;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import java.io.IOException;

/**
 * Turns moves of tracked branches into outbox jobs: a fast-forward indexes the new commits, a
 * forced update, a creation or a deletion rescans the branch; a merged change indexes its commit at
 * once. Only a small file is written here, so pushes are not slowed down.
 */
@Singleton
public class BranchListener implements GitReferenceUpdatedListener, ChangeMergedListener {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final ImagestoreConfig config;
  private final JobWorker worker;

  @Inject
  BranchListener(ImagestoreConfig config, JobWorker worker) {
    this.config = config;
    this.worker = worker;
  }

  @Override
  public void onGitReferenceUpdated(GitReferenceUpdatedListener.Event event) {
    String ref = event.getRefName();
    if (!config.isTracked(ref) || !config.isEnabled(Project.nameKey(event.getProjectName()))) {
      return;
    }
    Job job =
        event.isDelete() || event.isCreate() || event.isNonFastForward()
            ? new Job.RescanBranch(event.getProjectName(), ref)
            : new Job.IndexCommits(
                event.getProjectName(), ref, event.getOldObjectId(), event.getNewObjectId());
    queue(job);
  }

  @Override
  public void onChangeMerged(ChangeMergedListener.Event event) {
    ChangeInfo change = event.getChange();
    String ref = RefNames.fullName(change.branch);
    if (event.getNewRevisionId() == null
        || !config.isTracked(ref)
        || !config.isEnabled(Project.nameKey(change.project))) {
      return;
    }
    queue(new Job.IndexCommits(change.project, ref, null, event.getNewRevisionId()));
  }

  private void queue(Job job) {
    try {
      worker.submit(job);
    } catch (IOException e) {
      // Not fatal: the next scheduled or on-demand reconcile picks the commits up.
      logger.atSevere().withCause(e).log("cannot queue %s", job);
    }
  }
}
