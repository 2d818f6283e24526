package com.googlesource.gerrit.plugins.imagestore.client.model;

/** {@code GET /settings}: the caller, and the service's orphan and trash settings. */
public class SettingsInfo {
  public String user;

  /** Durations in the short form ({@code 14d}) and in seconds. */
  public String orphanGracePeriod;

  public long orphanGracePeriodSeconds;
  public String trashRetention;
  public long trashRetentionSeconds;
  public String trashPurgeInterval;
  public long trashPurgeIntervalSeconds;
}
