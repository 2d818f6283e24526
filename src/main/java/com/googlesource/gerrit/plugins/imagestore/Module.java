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

package com.googlesource.gerrit.plugins.imagestore;

import com.google.gerrit.extensions.annotations.Exports;
import com.google.gerrit.extensions.config.CapabilityDefinition;
import com.google.gerrit.lifecycle.LifecycleModule;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.config.ProjectSettingsModule;
import com.googlesource.gerrit.plugins.imagestore.index.IndexModule;
import com.googlesource.gerrit.plugins.imagestore.index.ReconcileScheduler;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import com.googlesource.gerrit.plugins.imagestore.queue.QueueModule;
import com.googlesource.gerrit.plugins.imagestore.remote.ImagestoreConnection;
import com.googlesource.gerrit.plugins.imagestore.rest.ImagestoreRestModule;
import com.googlesource.gerrit.plugins.imagestore.review.ReviewModule;
import com.googlesource.gerrit.plugins.imagestore.review.ServiceCalls;

/** The plugin's Gerrit-Module: everything the plugin binds in Gerrit's server injector. */
public class Module extends LifecycleModule {
  @Override
  protected void configure() {
    // Eager, so that the configuration is checked and logged when the plugin loads.
    bind(ImagestoreConfig.class).asEagerSingleton();
    bind(CapabilityDefinition.class)
        .annotatedWith(Exports.named(ReindexCapability.NAME))
        .to(ReindexCapability.class);
    bind(CapabilityDefinition.class)
        .annotatedWith(Exports.named(CentralUploadCapability.NAME))
        .to(CentralUploadCapability.class);

    install(new ProjectSettingsModule());
    install(new QueueModule());
    install(new IndexModule());
    install(new ReviewModule());
    // The worker starts before the schedule: it catches up at once (a full reconcile on a new
    // site).
    listener().to(ImagestoreConnection.class);
    listener().to(ServiceCalls.class);
    listener().to(JobWorker.class);
    listener().to(ReconcileScheduler.class);

    install(new ImagestoreRestModule());
  }
}
