package com.googlesource.gerrit.plugins.imagestore.client.model;

/**
 * A runtime a visual test runs in. The six dimension fields identify it; {@code id} is derived from
 * them by the service and is stable.
 */
public class RuntimeInfo {
  public String id;
  public String platform;
  public String resolution;
  public String browser;
  public String theme;
  public String direction;
  public String mode;

  /** Free text an administrator may change; not part of the identity. */
  public String description;
}
