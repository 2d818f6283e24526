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

/**
 * The fingerprint of one non-empty bucket of a stored reference set ({@link
 * com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets}).
 */
public class ReferenceBucketInfo {
  /** The bucket's number, from 0 to the number of buckets asked minus one. */
  public int bucket;

  /** Distinct references in the bucket. */
  public int count;

  /** {@link com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest} of the bucket. */
  public String digest;
}
