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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.queue.FailurePolicy.Kind.PERMANENT;
import static com.googlesource.gerrit.plugins.imagestore.queue.FailurePolicy.Kind.TRANSIENT;
import static com.googlesource.gerrit.plugins.imagestore.queue.FailurePolicy.Kind.UNEXPECTED;

import com.google.gerrit.exceptions.StorageException;
import com.google.gerrit.extensions.restapi.ResourceConflictException;
import com.google.gerrit.server.update.UpdateException;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.junit.Test;

/** The one failure policy of every job: what is retried, for how long, and what is given up. */
public class FailurePolicyTest {
  private static ImagestoreException service(int status) {
    return new ImagestoreException(status, "error", "answer " + status);
  }

  private static void assertKind(Throwable failure, FailurePolicy.Kind kind) {
    assertWithMessage("%s", failure).that(FailurePolicy.classify(failure)).isEqualTo(kind);
  }

  @Test
  public void troubleReachingTheServiceOrTheDiskIsRetriedUntilItPasses() {
    List<Throwable> transients = new ArrayList<>();
    transients.add(new ConnectException("refused"));
    transients.add(new IOException("disk"));
    for (int status : new int[] {408, 429, 500, 503}) {
      transients.add(service(status));
    }
    // Wrapped by Gerrit or JGit: the I/O underneath counts.
    transients.add(new StorageException(new IOException("nfs")));
    transients.add(new UncheckedIOException(new IOException("x")));
    for (Throwable e : transients) {
      assertKind(e, TRANSIENT);
      assertThat(FailurePolicy.retry(e, 1)).isTrue();
      assertThat(FailurePolicy.retry(e, 100)).isTrue();
    }
  }

  @Test
  public void refusalsAndGoneProjectsAreGivenUpAtOnce() {
    List<Throwable> permanents = new ArrayList<>();
    for (int status : new int[] {400, 401, 403, 404, 409, 413, 422}) {
      permanents.add(service(status));
    }
    permanents.add(new RepositoryNotFoundException("gone"));
    permanents.add(new StorageException(new RepositoryNotFoundException("g")));
    permanents.add(new UpdateException(new IOException("refused")));
    permanents.add(new ResourceConflictException("closed"));
    for (Throwable e : permanents) {
      assertKind(e, PERMANENT);
      assertThat(FailurePolicy.retry(e, 1)).isFalse();
    }
  }

  @Test
  public void unexpectedRuntimeExceptionsAreRetriedABoundedNumberOfTimes() {
    List<Throwable> unexpected =
        List.of(
            new NullPointerException(),
            new IllegalStateException("bug"),
            new StorageException("ref lock held"),
            new RuntimeException(new NullPointerException()));
    for (Throwable e : unexpected) {
      assertKind(e, UNEXPECTED);
      for (int attempts = 1; attempts < FailurePolicy.UNEXPECTED_ATTEMPTS; attempts++) {
        assertThat(FailurePolicy.retry(e, attempts)).isTrue();
      }
      assertThat(FailurePolicy.retry(e, FailurePolicy.UNEXPECTED_ATTEMPTS)).isFalse();
    }
    assertThat(FailurePolicy.UNEXPECTED_ATTEMPTS).isEqualTo(3);
  }
}
