package com.googlesource.gerrit.plugins.imagestore.service.auth;

import java.util.Locale;

/** What an account may do. Reading (downloads, info, lists) needs no account at all. */
public enum Role {
  /** Uploads images. */
  UPLOADER,
  /** Reports references (the Gerrit plugin's account). */
  INDEXER,
  /** Deletes images, writes runtimes and orphans; may do everything the other roles may. */
  ADMIN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code uploader}, {@code indexer} or {@code admin}. */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + name + "': expected uploader, indexer or admin");
  }
}
