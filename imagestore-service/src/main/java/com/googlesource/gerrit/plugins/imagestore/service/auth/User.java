// Copyright (C) 2026 The imagestore Authors
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package com.googlesource.gerrit.plugins.imagestore.service.auth;

import java.util.Set;

/**
 * An authenticated account. {@code stamp} is null when the account was read for this request, and
 * else what the change it asks for must confirm when it commits ({@link
 * UserService#authenticateProvisionally}).
 */
public record User(String name, Set<Role> roles, AccountStamp stamp) {
  public User(String name, Set<Role> roles) {
    this(name, roles, null);
  }

  public boolean may(Role role) {
    return roles.contains(role) || roles.contains(Role.ADMIN);
  }
}
