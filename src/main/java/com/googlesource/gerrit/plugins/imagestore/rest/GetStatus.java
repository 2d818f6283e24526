package com.googlesource.gerrit.plugins.imagestore.rest;

import com.google.gerrit.extensions.restapi.Response;
import com.google.gerrit.extensions.restapi.RestReadView;
import com.google.gerrit.server.project.ProjectResource;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.index.IndexState;
import com.googlesource.gerrit.plugins.imagestore.index.IndexWorker;
import com.googlesource.gerrit.plugins.imagestore.index.Outbox;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /projects/{project}/imagestore~status}: whether the project is indexed, the last
 * indexed commit of each tracked branch, how many jobs wait in the outbox and how many job files
 * were unreadable.
 */
@Singleton
public class GetStatus implements RestReadView<ProjectResource> {
  /** The answer. */
  public static class StatusInfo {
    public boolean enabled;
    public Map<String, BranchInfo> branches;
    public int outboxDepth;

    /** Job files that could not be read, kept in {@code outbox/unreadable} (all projects). */
    public int unreadableJobs;

    /** What happened to the last of them since the plugin started; absent if none. */
    public String lastUnreadableJob;

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
  private final IndexWorker worker;

  @Inject
  GetStatus(ImagestoreConfig config, IndexState state, Outbox outbox, IndexWorker worker) {
    this.worker = worker;
    this.config = config;
    this.state = state;
    this.outbox = outbox;
  }

  @Override
  public Response<StatusInfo> apply(ProjectResource resource) throws IOException {
    StatusInfo info = new StatusInfo();
    info.enabled = config.isEnabled(resource.getNameKey());
    info.branches = new TreeMap<>();
    state
        .branches(resource.getName())
        .forEach(
            (branch, b) -> {
              BranchInfo i = new BranchInfo();
              i.commit = b.commit;
              i.indexedAt = iso(b.indexedAt);
              info.branches.put(branch, i);
            });
    info.outboxDepth = outbox.depth();
    info.unreadableJobs = outbox.unreadableCount();
    info.lastUnreadableJob = outbox.lastUnreadable();
    info.lastError = worker.lastError();
    info.lastReconcile = iso(state.lastReconcile());
    return Response.ok(info);
  }

  private static String iso(Instant time) {
    return time == null ? null : time.toString();
  }
}
