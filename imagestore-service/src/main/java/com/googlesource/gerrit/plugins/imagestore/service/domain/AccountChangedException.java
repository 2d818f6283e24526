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

package com.googlesource.gerrit.plugins.imagestore.service.domain;

/**
 * The account that asked for a change was removed, got another password or lost the role between
 * its authentication and the change's commit; nothing was changed.
 */
public final class AccountChangedException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final String account;

  public AccountChangedException(String account) {
    super(
        "account_changed",
        "the account "
            + account
            + " was removed, got another password or lost its role while this request ran;"
            + " nothing was stored");
    this.account = account;
  }

  /** The account's name. */
  public String account() {
    return account;
  }
}
