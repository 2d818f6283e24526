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

package com.googlesource.gerrit.plugins.imagestore.service.images;

import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditLog;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;

/** One row of the {@code images} table. Times are epoch milliseconds. */
public record ImageRecord(
    String uuid,
    String sha256,
    long size,
    int width,
    int height,
    long createdAt,
    String uploadedBy,
    TestSpec spec,
    TestRuntime runtime,
    Long orphanedAt)
    implements AuditLog.Subject {

  public ImageRecord withOrphanedAt(Long orphanedAt) {
    return new ImageRecord(
        uuid, sha256, size, width, height, createdAt, uploadedBy, spec, runtime, orphanedAt);
  }
}
