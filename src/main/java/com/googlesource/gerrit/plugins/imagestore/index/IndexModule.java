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

import static com.googlesource.gerrit.plugins.imagestore.queue.QueueModule.atStart;
import static com.googlesource.gerrit.plugins.imagestore.queue.QueueModule.handle;
import static com.googlesource.gerrit.plugins.imagestore.queue.QueueModule.handleInSteps;

import com.google.gerrit.extensions.events.ChangeMergedListener;
import com.google.gerrit.extensions.events.GitReferenceUpdatedListener;
import com.google.gerrit.extensions.registration.DynamicSet;
import com.google.inject.AbstractModule;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;

/**
 * Indexing: branch moves become jobs, each kind of index job is handled by {@link Indexer}, and the
 * catch-up at start. The plugin's module registers the reconcile schedule in its start order.
 */
public class IndexModule extends AbstractModule {
  @Override
  protected void configure() {
    DynamicSet.bind(binder(), GitReferenceUpdatedListener.class).to(BranchListener.class);
    DynamicSet.bind(binder(), ChangeMergedListener.class).to(BranchListener.class);
    handle(binder(), Job.IndexCommits.class, Indexer.class, Indexer::indexCommits);
    handle(
        binder(),
        Job.RescanBranch.class,
        Indexer.class,
        (indexer, job) -> indexer.rescanBranch(job.project(), job.branch()));
    handle(
        binder(),
        Job.RescanProject.class,
        Indexer.class,
        (indexer, job) -> indexer.rescanProject(job.project(), line -> {}));
    // Every enabled project, one per step (then the orphan deletion), pushes in between.
    handleInSteps(binder(), Job.ReconcileAll.class, Indexer.class, Indexer::reconcileStep);
    handle(
        binder(),
        Job.DeleteOrphans.class,
        Indexer.class,
        (indexer, job) -> indexer.deleteOrphans());
    atStart(binder(), Indexer.class, Indexer::queueCatchUp);
  }
}
