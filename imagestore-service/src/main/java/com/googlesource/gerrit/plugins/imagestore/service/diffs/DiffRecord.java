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

package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;

/**
 * One row of the {@code diffs} table: a stored comparison. The figures carry no picture; it is in
 * the blob store under {@code diffSha256}. Times are epoch milliseconds. {@code shiftsKnown} is
 * false for rows stored before moved blocks were detected (their figures list none).
 */
public record DiffRecord(
    DiffKey key,
    DiffResult figures,
    String diffSha256,
    long diffSize,
    long computedAt,
    boolean shiftsKnown) {
  public DiffRecord(
      DiffKey key, DiffResult figures, String diffSha256, long diffSize, long computedAt) {
    this(key, figures, diffSha256, diffSize, computedAt, true);
  }
}
