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

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;

/**
 * The job queue's bindings: the map from each {@link Job.Kind} to its handler, which the packages
 * doing the work fill with {@link #handle}, and the {@link StartupJobs} they contribute. The worker
 * itself is a lifecycle listener the plugin's module registers, in the order it starts.
 */
public class QueueModule extends AbstractModule {
  @Override
  protected void configure() {
    handlers(binder());
    Multibinder.newSetBinder(binder(), StartupJobs.class);
  }

  /** Binds the one handler of jobs of {@code type}. */
  public static <J extends Job> void handle(
      Binder binder, Class<J> type, Class<? extends JobHandler<J>> handler) {
    handlers(binder).addBinding(Job.Kind.of(type)).to(handler);
  }

  /** Adds work that queues jobs when the worker starts, before the jobs a previous run left. */
  public static void atStart(Binder binder, Class<? extends StartupJobs> jobs) {
    Multibinder.newSetBinder(binder, StartupJobs.class).addBinding().to(jobs);
  }

  private static MapBinder<Job.Kind, JobHandler<?>> handlers(Binder binder) {
    return MapBinder.newMapBinder(
        binder, new TypeLiteral<Job.Kind>() {}, new TypeLiteral<JobHandler<?>>() {});
  }
}
