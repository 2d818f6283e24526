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

package com.googlesource.gerrit.plugins.imagestore.queue;

import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import java.io.IOException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;

/**
 * The queue's one failure policy, for every kind of job: a <em>transient</em> failure keeps the job
 * at the head of the queue and retries it with back-off; any other failure is <em>permanent</em>:
 * the job is given up, set aside in {@code outbox/failed} and reported.
 *
 * <p>Transient: trouble reaching the image service or the disk ({@link IOException}, also inside a
 * runtime exception such as Gerrit's {@code StorageException}), including the service's 408, 429
 * and 5xx answers. Permanent: a project that no longer exists, the service refusing the request
 * itself (any other 4xx), Gerrit refusing a comment, and bugs (runtime exceptions): retrying those
 * would hold up every job queued behind them, and the next reconcile makes up for a lost index job.
 */
public final class FailurePolicy {
  private FailurePolicy() {}

  public static boolean isTransient(Throwable failure) {
    Throwable e = failure;
    // Gerrit and JGit wrap I/O trouble in runtime exceptions (StorageException,
    // UncheckedIOException): what counts is the I/O underneath.
    while (e instanceof RuntimeException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof RepositoryNotFoundException) {
      return false;
    }
    if (e instanceof ImagestoreException s) {
      return s.status() == 408 || s.status() == 429 || s.status() >= 500 || s.status() < 400;
    }
    return e instanceof IOException;
  }
}
