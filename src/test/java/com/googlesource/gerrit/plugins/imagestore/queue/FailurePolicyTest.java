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

import com.google.gerrit.exceptions.StorageException;
import com.google.gerrit.extensions.restapi.ResourceConflictException;
import com.google.gerrit.server.update.UpdateException;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.junit.Test;

/** The one failure policy of every job: what is retried and what is given up. */
public class FailurePolicyTest {
  private static ImagestoreException service(int status) {
    return new ImagestoreException(status, "error", "answer " + status);
  }

  @Test
  public void troubleReachingTheServiceOrTheDiskIsRetried() {
    assertThat(FailurePolicy.isTransient(new ConnectException("refused"))).isTrue();
    assertThat(FailurePolicy.isTransient(new IOException("disk"))).isTrue();
    for (int status : new int[] {408, 429, 500, 503}) {
      assertThat(FailurePolicy.isTransient(service(status))).isTrue();
    }
    // Wrapped by Gerrit or JGit: the I/O underneath counts.
    assertThat(FailurePolicy.isTransient(new StorageException(new IOException("nfs")))).isTrue();
    assertThat(FailurePolicy.isTransient(new UncheckedIOException(new IOException("x")))).isTrue();
  }

  @Test
  public void refusalsGoneProjectsAndBugsAreGivenUp() {
    for (int status : new int[] {400, 401, 403, 404, 409, 413, 422}) {
      assertThat(FailurePolicy.isTransient(service(status))).isFalse();
    }
    assertThat(FailurePolicy.isTransient(new RepositoryNotFoundException("gone"))).isFalse();
    assertThat(
            FailurePolicy.isTransient(new StorageException(new RepositoryNotFoundException("g"))))
        .isFalse();
    assertThat(FailurePolicy.isTransient(new UpdateException(new IOException("refused"))))
        .isFalse();
    assertThat(FailurePolicy.isTransient(new ResourceConflictException("closed"))).isFalse();
    assertThat(FailurePolicy.isTransient(new NullPointerException())).isFalse();
    assertThat(FailurePolicy.isTransient(new IllegalStateException("bug"))).isFalse();
  }
}
