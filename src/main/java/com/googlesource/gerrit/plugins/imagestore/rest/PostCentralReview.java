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

import com.google.gerrit.extensions.annotations.RequiresCapability;
import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestApiException;
import com.google.gerrit.extensions.restapi.RestModifyView;
import com.google.gerrit.server.permissions.PermissionBackendException;
import com.google.gerrit.server.project.ProjectResource;
import com.google.gerrit.server.update.UpdateException;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.CentralUploadCapability;
import com.googlesource.gerrit.plugins.imagestore.central.CentralReviews;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import java.io.IOException;

/**
 * {@code POST /projects/{project}/imagestore~reviews}: the central job's call after it recorded new
 * screenshots. Creates a change that sets the given {@code .lnk} files, or adds a patch set to the
 * caller's open one for the same test and runtime.
 */
@Singleton
@RequiresCapability(CentralUploadCapability.NAME)
public class PostCentralReview implements RestModifyView<ProjectResource, CentralReviewInput> {
  private final CentralReviews reviews;

  @Inject
  PostCentralReview(CentralReviews reviews) {
    this.reviews = reviews;
  }

  @Override
  public Response<CentralReviewInfo> apply(ProjectResource rsrc, CentralReviewInput input)
      throws RestApiException, IOException, UpdateException, PermissionBackendException {
    CentralReviewInfo info = reviews.createOrUpdate(rsrc.getProjectState(), input);
    return info.created ? Response.created(info) : Response.ok(info);
  }
}
