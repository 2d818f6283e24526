package com.googlesource.gerrit.plugins.imagestore.rest;

import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestReadView;
import com.google.gerrit.server.change.RevisionResource;
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
 * figures. Anyone who can see the change may read it; the images are public in the service.
 */
@Singleton
public class GetPreviews implements RestReadView<RevisionResource> {
  private final ImagestoreConfig config;
  private final PreviewBuilder previews;

  @Inject
  GetPreviews(ImagestoreConfig config, PreviewBuilder previews) {
    this.config = config;
    this.previews = previews;
  }

  @Override
  public Response<PreviewsInfo> apply(RevisionResource rsrc) throws IOException {
    // Where the plugin is off, an empty list: the change-screen panel then simply stays hidden.
    List<LinkChange> changes =
        config.isEnabled(rsrc.getProject())
            ? previews.changes(rsrc.getProject(), rsrc.getPatchSet().commitId())
            : List.of();
    return Response.ok(
        previews.build(rsrc.getChange().getChangeId(), rsrc.getPatchSet().number(), changes));
  }
}
