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
