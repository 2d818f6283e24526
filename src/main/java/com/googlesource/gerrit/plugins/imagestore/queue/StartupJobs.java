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

import java.io.IOException;

/**
 * Work that queues jobs when the {@link JobWorker} starts, on its thread, before any job a previous
 * run left runs: catching up with what changed while the plugin was not running, measured against
 * the state as that run left it. Bound with {@link QueueModule#atStart}.
 */
interface StartupJobs {
  /** Queues the jobs; returns how many. */
  int queue() throws IOException;
}
