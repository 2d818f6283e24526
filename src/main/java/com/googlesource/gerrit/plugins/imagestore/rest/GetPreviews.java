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

import com.google.gerrit.extensions.restapi.ResourceConflictException;
import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestReadView;
import com.google.gerrit.server.change.RevisionResource;
import com.google.gerrit.server.permissions.GlobalPermission;
import com.google.gerrit.server.permissions.PermissionBackend;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.review.LinkChange;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewBuilder;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /changes/{id}/revisions/{revision}/imagestore~previews}: the screenshots a patch set
 * adds, changes or deletes, with links to the reference, new and diff images and the mismatch
 * figures. Anyone who can see the change may read it; the images are public in the service. Without
 * a usable {@code serviceUrl} it answers 409: why to administrators, a fixed sentence to others.
 */
@Singleton
public class GetPreviews implements RestReadView<RevisionResource> {
  private final ImagestoreConfig config;
  private final PreviewBuilder previews;
  private final PermissionBackend permissions;

  @Inject
  GetPreviews(ImagestoreConfig config, PreviewBuilder previews, PermissionBackend permissions) {
    this.config = config;
    this.previews = previews;
    this.permissions = permissions;
  }

  @Override
  public Response<PreviewsInfo> apply(RevisionResource rsrc)
      throws IOException, ResourceConflictException {
    // Where the plugin is off, an empty list: the change-screen panel then simply stays hidden.
    List<LinkChange> changes =
        config.isEnabled(rsrc.getProject())
            ? previews.changes(rsrc.getProject(), rsrc.getPatchSet().commitId())
            : List.of();
    if (!changes.isEmpty() && config.serviceUrlError().isPresent()) {
      // Said plainly (the panel shows it), rather than a bare 500; why only to administrators.
      boolean admin = permissions.currentUser().testOrFalse(GlobalPermission.ADMINISTRATE_SERVER);
      throw new ResourceConflictException(
          "screenshots cannot be checked: " + config.serviceUrlErrorFor(admin).orElseThrow());
    }
    return Response.ok(
        previews.build(rsrc.getChange().getChangeId(), rsrc.getPatchSet().number(), changes));
  }
}
