package com.googlesource.gerrit.plugins.imagestore.ssh;

import com.google.gerrit.extensions.annotations.PluginName;
import com.google.gerrit.sshd.PluginCommandModule;
import com.google.inject.Inject;

/** The plugin's SSH commands: {@code imagestore reindex}. */
public class SshModule extends PluginCommandModule {
  @Inject
  SshModule(@PluginName String pluginName) {
    super(pluginName);
  }

  @Override
  protected void configureCommands() {
    command(ReindexCommand.class);
  }
}
