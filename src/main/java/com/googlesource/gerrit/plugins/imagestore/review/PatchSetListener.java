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
import com.google.gerrit.entities.Project;
import com.google.gerrit.entities.RefNames;
import com.google.gerrit.extensions.common.ChangeInfo;
import com.google.gerrit.extensions.events.RevisionCreatedListener;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import java.io.IOException;

/**
 * Queues the previews comment of every new patch set on a tracked branch of an enabled project. The
 * work runs in the background, so uploading a patch set never waits for the image service.
 */
@Singleton
public class PatchSetListener implements RevisionCreatedListener {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final ImagestoreConfig config;
  private final JobWorker worker;

  @Inject
  PatchSetListener(ImagestoreConfig config, JobWorker worker) {
    this.config = config;
    this.worker = worker;
  }

  @Override
  public void onRevisionCreated(Event event) {
    ChangeInfo change = event.getChange();
    if (!config.isTracked(RefNames.fullName(change.branch))
        || !config.isEnabled(Project.nameKey(change.project))) {
      return;
    }
    Job job = new Job.PostPreviews(change.project, change._number, event.getRevision()._number);
    try {
      worker.submit(job);
    } catch (IOException e) {
      logger.atSevere().withCause(e).log("cannot queue %s", job);
    }
  }
}
