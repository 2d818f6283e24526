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

/** The fingerprint of the references the service stores for a project (or one branch of it). */
public class ReferenceSetInfo {
  public String project;

  /** Null when the set is the whole project's. */
  public String branch;

  /** Distinct references in the set. */
  public int count;

  /** {@link com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest} of the set. */
  public String digest;

  /**
   * How many buckets the set was cut into ({@code ?buckets=N}); null when none were asked for, or
   * by a service that has no buckets.
   */
  public Integer buckets;

  /** The non-empty buckets' fingerprints in bucket order (a bucket not listed is empty). */
  public List<ReferenceBucketInfo> bucketDigests;
}
