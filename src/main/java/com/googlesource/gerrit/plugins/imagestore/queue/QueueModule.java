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
import com.google.inject.Provider;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import java.io.IOException;

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

  /** What a handler does with the service it is bound to; see {@link #handle}. */
  @FunctionalInterface
  public interface Work<S, J extends Job> {
    void run(S service, J job) throws Exception;
  }

  /**
   * Binds the one handler of jobs of {@code type}: {@code work} on the (injected) {@code service},
   * e.g. {@code handle(binder(), Job.RescanProject.class, Indexer.class, (i, job) -> ...)}.
   */
  public static <S, J extends Job> void handle(
      Binder binder, Class<J> type, Class<S> service, Work<S, J> work) {
    handleInSteps(
        binder,
        type,
        service,
        (s, job) -> {
          work.run(s, job);
          return null; // done in one step
        });
  }

  /** One step of a job done in steps; see {@link #handleInSteps}. */
  @FunctionalInterface
  public interface Step<S, J extends Job> {
    /** Does one step; returns the job that does the next, or null after the last. */
    J run(S service, J job) throws Exception;
  }

  /**
   * Binds the one handler of jobs of {@code type} that are done in steps: {@code step} on the
   * (injected) {@code service} returns the job of the next step, which waits behind the jobs queued
   * in the meantime, or null when there is none.
   */
  public static <S, J extends Job> void handleInSteps(
      Binder binder, Class<J> type, Class<S> service, Step<S, J> step) {
    Provider<S> provider = binder.getProvider(service);
    JobHandler<J> handler = job -> step.run(provider.get(), job);
    handlers(binder).addBinding(Job.Kind.of(type)).toInstance(handler);
  }

  /**
   * Adds work that queues jobs when the worker starts, before the jobs a previous run left: {@code
   * jobs} on the (injected) {@code service}, returning how many it queued.
   */
  public static <S> void atStart(Binder binder, Class<S> service, StartupWork<S> jobs) {
    Provider<S> provider = binder.getProvider(service);
    StartupJobs startup = () -> jobs.queue(provider.get());
    Multibinder.newSetBinder(binder, StartupJobs.class).addBinding().toInstance(startup);
  }

  /** What a {@link StartupJobs} does with the service it is bound to; see {@link #atStart}. */
  @FunctionalInterface
  public interface StartupWork<S> {
    int queue(S service) throws IOException;
  }

  private static MapBinder<Job.Kind, JobHandler<?>> handlers(Binder binder) {
    return MapBinder.newMapBinder(
        binder, new TypeLiteral<Job.Kind>() {}, new TypeLiteral<JobHandler<?>>() {});
  }
}
