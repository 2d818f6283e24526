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
 * The queue's one failure policy, for every kind of job. A failed job stays at the head of the
 * queue and is retried with back-off ({@link JobWorker}) for as long as {@link #retry} says so;
 * then it is given up, set aside in {@code outbox/failed} and reported. There are three kinds of
 * failure ({@link #classify}):
 *
 * <ul>
 *   <li>{@link Kind#TRANSIENT}, retried until it passes: trouble reaching the image service or the
 *       disk ({@link IOException}, also inside a runtime exception such as Gerrit's {@code
 *       StorageException}), including the service's 408, 429 and 5xx answers.
 *   <li>{@link Kind#PERMANENT}, given up at once: a project that no longer exists, the service
 *       refusing the request itself (any other 4xx), Gerrit refusing a comment (a checked exception
 *       that is not I/O). Retrying those would only hold up every job queued behind.
 *   <li>{@link Kind#UNEXPECTED}, retried {@link #UNEXPECTED_ATTEMPTS} times in all, then given up:
 *       any other runtime exception. JGit and Gerrit throw some for passing trouble (a lock, a
 *       stale cache), but a bug throws the same every time, and must not hold up the queue for
 *       good; the next reconcile makes up for a lost index job.
 * </ul>
 */
public final class FailurePolicy {
  /** How many times a job that keeps failing unexpectedly runs before it is given up. */
  public static final int UNEXPECTED_ATTEMPTS = 3;

  /** What a failure says about the job's chances on another attempt. */
  public enum Kind {
    TRANSIENT,
    UNEXPECTED,
    PERMANENT
  }

  private FailurePolicy() {}

  public static Kind classify(Throwable failure) {
    Throwable e = failure;
    // Gerrit and JGit wrap I/O trouble in runtime exceptions (StorageException,
    // UncheckedIOException): what counts is the I/O underneath.
    while (e instanceof RuntimeException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof RepositoryNotFoundException) {
      return Kind.PERMANENT;
    }
    if (e instanceof ImagestoreException s) {
      boolean passing =
          s.status() == 408 || s.status() == 429 || s.status() >= 500 || s.status() < 400;
      return passing ? Kind.TRANSIENT : Kind.PERMANENT;
    }
    if (e instanceof IOException) {
      return Kind.TRANSIENT;
    }
    return e instanceof RuntimeException ? Kind.UNEXPECTED : Kind.PERMANENT;
  }

  /**
   * Whether a job that has just failed with {@code failure} runs again; {@code attempts} counts its
   * runs so far, this one included.
   */
  public static boolean retry(Throwable failure, int attempts) {
    return switch (classify(failure)) {
      case TRANSIENT -> true;
      case UNEXPECTED -> attempts < UNEXPECTED_ATTEMPTS;
      case PERMANENT -> false;
    };
  }
}
