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

package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.util.List;

/**
 * Body of {@code POST /orphans/trash} (move orphans to the trash) and {@code POST /trash/purge}.
 * Either {@code uuids} names the images, or the filters select them.
 */
public class CleanupInput {
  /** Only report what would happen. */
  public boolean dryRun;

  /** These images only. */
  public List<String> uuids;

  /** Orphans: orphaned at least this long ago ({@code 14d}); never less than the grace period. */
  public String minAge;

  /** Orphans: of this runtime (its id). */
  public String runtime;

  /** Orphans: whose spec name or library contains this (case-insensitive). */
  public String spec;

  /** Purge: every trash entry, not only those past their retention. */
  public boolean all;
}
