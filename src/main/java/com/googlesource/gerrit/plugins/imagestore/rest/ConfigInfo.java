package com.googlesource.gerrit.plugins.imagestore.rest;

import java.util.List;

/**
 * The effective configuration of the plugin as returned by {@link GetConfig}. Gerrit writes field
 * names in snake case ({@code service_url}); fields that are {@code null} are left out.
 *
 * <p>It tells whether credentials are set, never their values.
 */
public class ConfigInfo {
  public String serviceUrl;
  public List<String> branches;
  public String lnkSuffix;
  public boolean usernameSet;
  public boolean passwordSet;
}
