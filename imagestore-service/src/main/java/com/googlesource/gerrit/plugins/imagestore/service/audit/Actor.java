package com.googlesource.gerrit.plugins.imagestore.service.audit;

/** Who asks for a change the audit log records: an account and the address it called from. */
public record Actor(String name, String address) {
  /** The service's own periodic tasks. */
  public static final Actor SYSTEM = new Actor("system", null);
}
