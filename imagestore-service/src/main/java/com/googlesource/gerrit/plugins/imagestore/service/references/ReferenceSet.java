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

package com.googlesource.gerrit.plugins.imagestore.service.references;

import com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets;
import java.util.Map;

/**
 * The fingerprint of the references stored for a project, or for one branch of it (null: the whole
 * project): how many distinct references, and their {@link
 * com.googlesource.gerrit.plugins.imagestore.client.ReferenceSetDigest}; when asked for ({@code
 * bucketCount} not null), the fingerprint of each non-empty bucket of that many {@link
 * ReferenceBuckets}, by bucket number.
 */
public record ReferenceSet(
    String project,
    String branch,
    int count,
    String digest,
    Integer bucketCount,
    Map<Integer, ReferenceBuckets.Digest> buckets) {}
