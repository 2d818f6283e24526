package com.googlesource.gerrit.plugins.imagestore;

import com.google.gerrit.extensions.config.CapabilityDefinition;

/**
 * The global capability {@code imagestore-centralUpload}: may create or update the central job's
 * screenshot reviews. Administrators have it without a grant.
 */
public class CentralUploadCapability extends CapabilityDefinition {
  public static final String NAME = "centralUpload";

  @Override
  public String getDescription() {
    return "Create imagestore central screenshot reviews";
  }
}
