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

import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestReadView;
import com.google.gerrit.server.permissions.GlobalPermission;
import com.google.gerrit.server.permissions.PermissionBackend;
import com.google.gerrit.server.permissions.PermissionBackendException;
import com.google.gerrit.server.permissions.RefPermission;
import com.google.gerrit.server.project.ProjectResource;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.index.IndexState;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import com.googlesource.gerrit.plugins.imagestore.queue.Outbox;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /projects/{project}/imagestore~status}: whether the project is indexed and the last
 * indexed commit of each tracked branch the caller can read. Site-wide figures (the outbox, job
 * files that were unreadable, the last error with its job) only for administrators; others learn
 * only that indexing of this project is failing.
 */
@Singleton
public class GetStatus implements RestReadView<ProjectResource> {
  /** The answer. */
  public static class StatusInfo {
    public boolean enabled;
    public Map<String, BranchInfo> branches;

    /** Jobs waiting (all projects); administrators only. */
    public Integer outboxDepth;

    /**
     * Job files that could not be read, kept in {@code outbox/unreadable} (all projects);
     * administrators only.
     */
    public Integer unreadableJobs;

    /** What happened to the last of them since the plugin started; absent if none. */
    public String lastUnreadableJob;

    /**
     * Why the {@code serviceUrl} that is set is refused, so that the plugin does not talk to the
     * image service; the reason only for administrators. Absent when it is not refused.
     */
    public String serviceUrlError;

    /** Why indexing is stuck (the service is down, say); absent when all is well. */
    public String lastError;

    /** ISO-8601; Gerrit's JSON has no adapter for {@code java.time}. */
    public String lastReconcile;
  }

  /** The last indexed commit of a branch. */
  public static class BranchInfo {
    public String commit;
    public String indexedAt;
  }

  private final ImagestoreConfig config;
  private final IndexState state;
  private final Outbox outbox;
  private final JobWorker worker;
  private final PermissionBackend permissions;

  @Inject
  GetStatus(
      ImagestoreConfig config,
      IndexState state,
      Outbox outbox,
      JobWorker worker,
      PermissionBackend permissions) {
    this.worker = worker;
    this.permissions = permissions;
    this.config = config;
    this.state = state;
    this.outbox = outbox;
  }

  @Override
  public Response<StatusInfo> apply(ProjectResource resource)
      throws IOException, PermissionBackendException {
    StatusInfo info = new StatusInfo();
    info.enabled = config.isEnabled(resource.getNameKey());
    info.branches = new TreeMap<>();
    PermissionBackend.ForProject project = permissions.currentUser().project(resource.getNameKey());
    for (Map.Entry<String, IndexState.BranchState> e :
        state.branches(resource.getName()).entrySet()) {
      if (!project.ref(e.getKey()).test(RefPermission.READ)) {
        continue;
      }
      BranchInfo i = new BranchInfo();
      i.commit = e.getValue().commit;
      i.indexedAt = iso(e.getValue().indexedAt);
      info.branches.put(e.getKey(), i);
    }
    info.lastReconcile = iso(state.lastReconcile());
    boolean admin = permissions.currentUser().test(GlobalPermission.ADMINISTRATE_SERVER);
    info.serviceUrlError =
        config
            .serviceUrlRefusal()
            .map(e -> admin ? e : ImagestoreConfig.SERVICE_URL_UNUSABLE)
            .orElse(null);
    if (admin) {
      info.outboxDepth = outbox.depth();
      info.unreadableJobs = outbox.unreadableCount();
      info.lastUnreadableJob = outbox.lastUnreadable();
      info.lastError = worker.lastError();
    } else if (worker.lastErrorConcerns(resource.getName())) {
      info.lastError = "indexing this project failed and is retried; administrators see why";
    }
    return Response.ok(info);
  }

  private static String iso(Instant time) {
    return time == null ? null : time.toString();
  }
}
