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

package com.googlesource.gerrit.plugins.imagestore.rest;

import java.util.List;

/**
 * The effective configuration of the plugin as returned by {@link GetConfig}. Gerrit writes field
 * names in snake case ({@code service_url}); fields that are {@code null} are left out.
 *
 * <p>It tells whether credentials are set, never their values.
 */
public class ConfigInfo {
  /** Absent when not set, or refused ({@link #serviceUrlError} then says why). */
  public String serviceUrl;

  /** Why the {@code serviceUrl} that is set is refused; absent when it is not. */
  public String serviceUrlError;

  public List<String> branches;
  public String lnkSuffix;
  public boolean usernameSet;
  public boolean passwordSet;
}
