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

package com.googlesource.gerrit.plugins.imagestore.rest;

import static com.google.gerrit.server.change.RevisionResource.REVISION_KIND;
import static com.google.gerrit.server.config.ConfigResource.CONFIG_KIND;
import static com.google.gerrit.server.project.ProjectResource.PROJECT_KIND;

import com.google.gerrit.extensions.restapi.RestApiModule;

/**
 * The plugin's REST API: below {@code /config/server/imagestore~}, per project and per revision.
 */
public class ImagestoreRestModule extends RestApiModule {
  @Override
  protected void configure() {
    get(CONFIG_KIND, "config").to(GetConfig.class);
    post(CONFIG_KIND, "reindex").to(PostReindex.class);
    get(PROJECT_KIND, "status").to(GetStatus.class);
    post(PROJECT_KIND, "reviews").to(PostCentralReview.class);
    get(REVISION_KIND, "previews").to(GetPreviews.class);
  }
}
