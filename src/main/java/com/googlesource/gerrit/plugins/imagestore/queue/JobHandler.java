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

/**
 * Runs the jobs of one {@link Job.Kind}; bound with {@link QueueModule#handle} (or {@link
 * QueueModule#handleInSteps} for a job done in steps). A handler only does the work and throws what
 * went wrong: whether that is retried or given up is decided in one place, {@link FailurePolicy}.
 * Jobs may be replayed (after a crash or a retry), so handlers must be idempotent.
 */
@FunctionalInterface
public interface JobHandler<J extends Job> {
  /**
   * Does the job, or the next step of it: returns null when it is done, or the job that goes on
   * with it, which takes its place at the back of the queue ({@link Outbox#requeue}).
   */
  Job run(J job) throws Exception;
}
