package com.googlesource.gerrit.plugins.imagestore.rest;

import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestReadView;
import com.google.gerrit.server.change.RevisionResource;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewBuilder;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo;
import java.io.IOException;

/**
 * {@code GET /changes/{id}/revisions/{revision}/imagestore~previews}: the screenshots a patch set
 * adds, changes or deletes, with links to the reference, new and diff images and the mismatch
 * figures. Anyone who can see the change may read it; the images are public in the service.
 */
@Singleton
public class GetPreviews implements RestReadView<RevisionResource> {
  private final PreviewBuilder previews;

  @Inject
  GetPreviews(PreviewBuilder previews) {
    this.previews = previews;
  }

  @Override
  public Response<PreviewsInfo> apply(RevisionResource rsrc) throws IOException {
    return Response.ok(
        previews.build(
            rsrc.getChange().getChangeId(),
            rsrc.getPatchSet().number(),
            previews.changes(rsrc.getProject(), rsrc.getPatchSet().commitId())));
  }
}
