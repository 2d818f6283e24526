package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.time.Instant;

/** One line of the audit log ({@code GET /audit}). */
public class AuditEntryInfo {
  public long id;
  public Instant at;

  /** The account, or {@code system} for the periodic purge. */
  public String actor;

  /** The client's address as the service saw it; null for the service's own tasks. */
  public String address;

  /** {@code trash}, {@code restore} or {@code purge}. */
  public String action;

  public String uuid;
  public String sha256;
  public long size;

  /** Bytes the action removed from the blob store. */
  public long bytesFreed;

  /** How it came about: the endpoint, or the reference that brought an image back. */
  public String detail;
}
