package com.googlesource.gerrit.plugins.imagestore;

import com.google.gerrit.extensions.config.CapabilityDefinition;

/**
 * The global capability {@code imagestore-reindex}: may start a reindex. Administrators have it
 * without a grant.
 */
public class ReindexCapability extends CapabilityDefinition {
  public static final String NAME = "reindex";

  @Override
  public String getDescription() {
    return "Reindex imagestore links";
  }
}
