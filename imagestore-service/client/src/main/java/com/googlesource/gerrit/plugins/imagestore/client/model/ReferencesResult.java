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

/** What a references call changed. */
public class ReferencesResult {
  public int added;
  public int removed;

  /** Images in the service's trash that the new references brought back. */
  public int restored;

  /**
   * True when a replace was skipped because the service already stored exactly this set (its digest
   * matched), so nothing was sent.
   */
  public boolean unchanged;

  /**
   * The buckets a replace sent, when it sent only those whose digests differed ({@link
   * com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets}); null when it sent the
   * whole set or nothing.
   */
  public List<Integer> replacedBuckets;

  /**
   * True when the client streamed the references as a project's first import while its scan went on
   * ({@code PUT /references/import}); set by the client, not sent by the service.
   */
  public boolean imported;
}
