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

import com.google.gerrit.extensions.annotations.Exports;
import com.google.gerrit.extensions.events.RevisionCreatedListener;
import com.google.gerrit.extensions.registration.DynamicSet;
import com.google.gerrit.server.rules.SubmitRule;
import com.google.inject.AbstractModule;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.QueueModule;

/**
 * Reviews: the previews comment of new patch sets (a queued job and its handler) and the merge
 * gate. The plugin's module registers the service calls' lifecycle in its start order.
 */
public class ReviewModule extends AbstractModule {
  @Override
  protected void configure() {
    DynamicSet.bind(binder(), RevisionCreatedListener.class).to(PatchSetListener.class);
    QueueModule.handle(
        binder(),
        Job.PostPreviews.class,
        PreviewPoster.class,
        (poster, job) -> poster.post(job.project(), job.change(), job.patchSet()));
    bind(SubmitRule.class)
        .annotatedWith(Exports.named("ImagesAvailable"))
        .to(ImagesAvailableRule.class);
  }
}
