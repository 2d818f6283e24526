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

package com.googlesource.gerrit.plugins.imagestore.service.audit;

import com.googlesource.gerrit.plugins.imagestore.service.auth.AccountStamp;

/**
 * Who asks for a change the audit log records: an account and the address it called from; with a
 * {@code stamp} when the account was authenticated provisionally, for the change to confirm ({@link
 * AccountStamp#confirmed}) in its transaction.
 */
public record Actor(String name, String address, AccountStamp stamp) {
  public Actor(String name, String address) {
    this(name, address, null);
  }

  /** The service's own periodic tasks. */
  public static final Actor SYSTEM = new Actor("system", null);
}
