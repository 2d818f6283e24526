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
