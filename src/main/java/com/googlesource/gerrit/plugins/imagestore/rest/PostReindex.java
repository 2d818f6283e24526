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

package com.googlesource.gerrit.plugins.imagestore.rest;

import com.google.gerrit.entities.Project;
import com.google.gerrit.extensions.annotations.RequiresCapability;
import com.google.gerrit.extensions.restapi.BadRequestException;
import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestModifyView;
import com.google.gerrit.extensions.restapi.UnprocessableEntityException;
import com.google.gerrit.server.config.ConfigResource;
import com.google.gerrit.server.project.ProjectCache;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.ReindexCapability;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import java.io.IOException;

/**
 * {@code POST /config/server/imagestore~reindex}: queues a rescan of one project ({@code
 * {"project": "name"}}) or a reconcile of all enabled ones, and answers 202 at once.
 */
@Singleton
@RequiresCapability(ReindexCapability.NAME)
public class PostReindex implements RestModifyView<ConfigResource, PostReindex.Input> {
  /** The request body; everything optional. */
  public static class Input {
    public String project;
  }

  /** The answer. */
  public static class Queued {
    public String queued;
  }

  private final JobWorker worker;
  private final ProjectCache projects;
  private final ImagestoreConfig config;

  @Inject
  PostReindex(JobWorker worker, ProjectCache projects, ImagestoreConfig config) {
    this.worker = worker;
    this.projects = projects;
    this.config = config;
  }

  @Override
  public Response<Queued> apply(ConfigResource resource, Input input)
      throws BadRequestException, UnprocessableEntityException, IOException {
    Job job;
    Queued answer = new Queued();
    if (input != null && input.project != null) {
      Project.NameKey name = Project.nameKey(input.project);
      if (projects.get(name).isEmpty()) {
        throw new UnprocessableEntityException("no project " + input.project);
      }
      if (!config.isEnabled(name)) {
        throw new BadRequestException(
            "imagestore is not enabled for " + input.project + " (plugin.imagestore.enabled)");
      }
      job = new Job.RescanProject(input.project);
      answer.queued = "project " + input.project;
    } else {
      job = new Job.ReconcileAll();
      answer.queued = "all enabled projects";
    }
    worker.submit(job);
    return Response.withStatusCode(202, answer);
  }
}
