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

import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import java.time.Duration;

/**
 * How much diff computing the service takes on.
 *
 * @param maxPixels most pixels of each image and of the area two images cover together
 * @param concurrency diffs computed at once
 * @param memoryBytes bytes the diffs computed at once may hold together (as estimated from their
 *     headers), and so the most one diff may need
 * @param queueTimeout how long a diff waits for its turn before the answer is 503
 */
public record DiffCapacity(
    long maxPixels, int concurrency, long memoryBytes, Duration queueTimeout) {
  private static final long MIB = 1024 * 1024;

  /** The configured capacity; zero concurrency or memory is derived from this JVM's heap. */
  public static DiffCapacity of(ServiceConfig config) {
    long heap = Runtime.getRuntime().maxMemory();
    return new DiffCapacity(
        config.maxPixels(),
        config.diffConcurrency() > 0
            ? config.diffConcurrency()
            : defaultConcurrency(heap, Runtime.getRuntime().availableProcessors()),
        config.diffMemoryBytes() > 0 ? config.diffMemoryBytes() : heap / 2,
        config.diffQueueTimeout());
  }

  /**
   * Half the cores (each computation already uses all of them; more at once only add memory), but
   * no more than one per 512 MiB of heap, and at least one.
   */
  static int defaultConcurrency(long heapBytes, int cores) {
    return (int) Math.max(1, Math.min(cores / 2, heapBytes / (512 * MIB)));
  }
}
