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

package com.googlesource.gerrit.plugins.imagestore.config;

import com.google.gerrit.extensions.annotations.Exports;
import com.google.gerrit.extensions.api.projects.ProjectConfigEntryType;
import com.google.gerrit.server.config.ProjectConfigEntry;
import com.google.inject.AbstractModule;

/**
 * Registers the per-project settings ({@code [plugin "imagestore"]} in project.config) with Gerrit,
 * so that project owners see and change them in the project's settings (UI) and through {@code
 * GET/PUT /projects/{project}/config} ({@code plugin_config}), with the inherited value shown.
 */
public class ProjectSettingsModule extends AbstractModule {
  @Override
  protected void configure() {
    entry(
        ImagestoreConfig.KEY_ENABLED,
        "Index screenshot links (imagestore)",
        ImagestoreConfig.DEFAULT_ENABLED,
        "Tell the image service which images the tracked branches' link files reference, and"
            + " comment on patch sets with previews. Inherited by child projects.");
    entry(
        ImagestoreConfig.KEY_MERGE_GATE,
        "Require linked screenshots to be available (imagestore)",
        ImagestoreConfig.DEFAULT_MERGE_GATE,
        "Block submitting a change whose link files name images the image service does not have"
            + " (submit requirement Imagestore-Images-Available). Applies where indexing is"
            + " enabled. Inherited by child projects.");
  }

  private void entry(String key, String displayName, boolean byDefault, String description) {
    // Gerrit's boolean constructor cannot make an entry inheritable: the general one can.
    bind(ProjectConfigEntry.class)
        .annotatedWith(Exports.named(key))
        .toInstance(
            new ProjectConfigEntry(
                displayName,
                Boolean.toString(byDefault),
                ProjectConfigEntryType.BOOLEAN,
                null,
                true,
                description));
  }
}
