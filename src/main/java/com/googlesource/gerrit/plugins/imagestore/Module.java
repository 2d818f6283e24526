package com.googlesource.gerrit.plugins.imagestore;

import com.google.inject.AbstractModule;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.rest.ImagestoreRestModule;

/** The plugin's Gerrit-Module: everything the plugin binds in Gerrit's server injector. */
public class Module extends AbstractModule {
  @Override
  protected void configure() {
    // Eager, so that the configuration is checked and logged when the plugin loads.
    bind(ImagestoreConfig.class).asEagerSingleton();
    install(new ImagestoreRestModule());
  }
}
