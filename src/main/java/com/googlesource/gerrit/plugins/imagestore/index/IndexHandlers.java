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

import com.google.inject.Inject;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.JobHandler;
import com.googlesource.gerrit.plugins.imagestore.queue.StartupJobs;
import java.io.IOException;

/** The handlers of the index jobs, one per kind, and the catch-up at start; see IndexModule. */
final class IndexHandlers {
  private IndexHandlers() {}

  static class IndexCommits implements JobHandler<Job.IndexCommits> {
    private final Indexer indexer;

    @Inject
    IndexCommits(Indexer indexer) {
      this.indexer = indexer;
    }

    @Override
    public void run(Job.IndexCommits job) throws IOException {
      indexer.indexCommits(job);
    }
  }

  static class RescanBranch implements JobHandler<Job.RescanBranch> {
    private final Indexer indexer;

    @Inject
    RescanBranch(Indexer indexer) {
      this.indexer = indexer;
    }

    @Override
    public void run(Job.RescanBranch job) throws IOException {
      indexer.rescanBranch(job.project(), job.branch());
    }
  }

  static class RescanProject implements JobHandler<Job.RescanProject> {
    private final Indexer indexer;

    @Inject
    RescanProject(Indexer indexer) {
      this.indexer = indexer;
    }

    @Override
    public void run(Job.RescanProject job) throws IOException {
      indexer.rescanProject(job.project(), line -> {});
    }
  }

  /** Queues a rescan of every enabled project (and the orphan deletion), to run after it. */
  static class ReconcileAll implements JobHandler<Job.ReconcileAll> {
    private final Indexer indexer;

    @Inject
    ReconcileAll(Indexer indexer) {
      this.indexer = indexer;
    }

    @Override
    public void run(Job.ReconcileAll job) throws IOException {
      indexer.queueReconcile();
    }
  }

  static class DeleteOrphans implements JobHandler<Job.DeleteOrphans> {
    private final Indexer indexer;

    @Inject
    DeleteOrphans(Indexer indexer) {
      this.indexer = indexer;
    }

    @Override
    public void run(Job.DeleteOrphans job) throws IOException {
      indexer.deleteOrphans();
    }
  }

  static class CatchUp implements StartupJobs {
    private final Indexer indexer;

    @Inject
    CatchUp(Indexer indexer) {
      this.indexer = indexer;
    }

    @Override
    public int queue() throws IOException {
      return indexer.queueCatchUp();
    }
  }
}
