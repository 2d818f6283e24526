package com.googlesource.gerrit.plugins.imagestore.service.auth;

import java.util.Set;

/** An authenticated account. */
public record User(String name, Set<Role> roles) {
  public boolean may(Role role) {
    return roles.contains(role) || roles.contains(Role.ADMIN);
  }
}
