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

package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.inject.Singleton;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per project, held by every job of the {@link Indexer} for the project it works on, so
 * jobs of one project never interleave while jobs of others run beside them. A lock per name, not a
 * striped one: a push must not wait for the rescan of a project that happens to share a stripe. The
 * map keeps a small lock per project that ever ran a job, far less than Gerrit's own project cache
 * holds per project.
 */
@Singleton
class ProjectLocks {
  private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** The project's lock, held until closed. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Waits for the project's lock. Interruptible, so that stopping the plugin does not wait for
   * another job of the project: the waiting job fails with an {@link InterruptedIOException} and
   * stays queued.
   */
  Held lock(String project) throws IOException {
    ReentrantLock lock = locks.computeIfAbsent(project, p -> new ReentrantLock());
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a job of " + project);
    }
    return lock::unlock;
  }
}
