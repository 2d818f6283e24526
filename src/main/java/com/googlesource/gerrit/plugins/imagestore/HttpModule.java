package com.googlesource.gerrit.plugins.imagestore;

import com.google.gerrit.extensions.registration.DynamicSet;
import com.google.gerrit.extensions.webui.JavaScriptPlugin;
import com.google.gerrit.extensions.webui.WebUiPlugin;
import com.google.inject.AbstractModule;

/**
 * The plugin's Gerrit-HttpModule: registers the web UI plugin, the screenshot panel on the change
 * screen. Gerrit serves it from the jar's {@code static/imagestore.js}.
 */
public class HttpModule extends AbstractModule {
  static final String UI_SCRIPT = "imagestore.js";

  @Override
  protected void configure() {
    DynamicSet.bind(binder(), WebUiPlugin.class).toInstance(new JavaScriptPlugin(UI_SCRIPT));
  }
}
