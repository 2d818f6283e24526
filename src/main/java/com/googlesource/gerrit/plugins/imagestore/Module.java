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
import com.google.gerrit.extensions.events.ChangeMergedListener;
import com.google.gerrit.extensions.events.GitReferenceUpdatedListener;
import com.google.gerrit.extensions.events.RevisionCreatedListener;
import com.google.gerrit.extensions.registration.DynamicSet;
import com.google.gerrit.lifecycle.LifecycleModule;
import com.google.gerrit.server.rules.SubmitRule;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.index.BranchListener;
import com.googlesource.gerrit.plugins.imagestore.index.IndexWorker;
import com.googlesource.gerrit.plugins.imagestore.index.ReconcileScheduler;
import com.googlesource.gerrit.plugins.imagestore.remote.ImagestoreConnection;
import com.googlesource.gerrit.plugins.imagestore.rest.ImagestoreRestModule;
import com.googlesource.gerrit.plugins.imagestore.review.ImagesAvailableRule;
import com.googlesource.gerrit.plugins.imagestore.review.PatchSetListener;
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

    DynamicSet.bind(binder(), GitReferenceUpdatedListener.class).to(BranchListener.class);
    DynamicSet.bind(binder(), ChangeMergedListener.class).to(BranchListener.class);
    DynamicSet.bind(binder(), RevisionCreatedListener.class).to(PatchSetListener.class);
    bind(SubmitRule.class)
        .annotatedWith(Exports.named("ImagesAvailable"))
        .to(ImagesAvailableRule.class);
    // The worker starts first: it catches up at once (a full reconcile on a new site).
    listener().to(ImagestoreConnection.class);
    listener().to(ServiceCalls.class);
    listener().to(IndexWorker.class);
    listener().to(ReconcileScheduler.class);

    install(new ImagestoreRestModule());
  }
}
