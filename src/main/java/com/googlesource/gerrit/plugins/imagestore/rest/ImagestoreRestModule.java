package com.googlesource.gerrit.plugins.imagestore.rest;

import static com.google.gerrit.server.config.ConfigResource.CONFIG_KIND;

import com.google.gerrit.extensions.restapi.RestApiModule;

/** The plugin's REST API, served below {@code /config/server/imagestore~}. */
public class ImagestoreRestModule extends RestApiModule {
  @Override
  protected void configure() {
    get(CONFIG_KIND, "config").to(GetConfig.class);
  }
}
