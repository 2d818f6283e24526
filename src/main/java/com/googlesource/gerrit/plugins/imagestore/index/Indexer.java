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

import com.google.common.collect.ImmutableSortedSet;
import com.google.common.collect.Lists;
import com.google.common.flogger.FluentLogger;
import com.google.gerrit.entities.Project;
import com.google.gerrit.server.git.GitRepositoryManager;
import com.google.gerrit.server.project.ProjectCache;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.queue.FailurePolicy;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.Outbox;
import com.googlesource.gerrit.plugins.imagestore.remote.ImagestoreConnection;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The indexing work behind the index jobs (bound in {@link IndexModule}): scans the repository and
 * tells the image service which images the tracked branches reference. Every job can be replayed:
 * adding references is idempotent, and a rescan replaces a whole set. One job of a project at a
 * time ({@link ProjectLocks}, also against the ssh command's rescans), while jobs of other projects
 * run beside it: the worker runs pushes beside a reconcile. So a rescan's replace call never drops
 * what an index job of its project added in the meantime: the index job ran before the rescan read
 * the branches (which then hold its commit), or after the replace. A rescan reads the branches as
 * they are when it runs, so it may already have seen a deletion that an older index job has not: an
 * index job adds nothing for a commit its branch no longer holds.
 */
@Singleton
public class Indexer {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** References per add call; a rescan's replace call carries a project's whole set. */
  static final int BATCH = 5000;

  private final ImagestoreConfig config;
  private final GitRepositoryManager repos;
  private final ProjectCache projects;
  private final ImagestoreConnection connection;
  private final IndexState state;
  private final Outbox outbox;
  private final ProjectLocks locks;

  @Inject
  Indexer(
      ImagestoreConfig config,
      GitRepositoryManager repos,
      ProjectCache projects,
      ImagestoreConnection connection,
      IndexState state,
      Outbox outbox,
      ProjectLocks locks) {
    this.config = config;
    this.repos = repos;
    this.projects = projects;
    this.connection = connection;
    this.state = state;
    this.outbox = outbox;
    this.locks = locks;
  }

  void indexCommits(Job.IndexCommits job) throws IOException {
    try (ProjectLocks.Held held = locks.lock(job.project())) {
      indexCommitsLocked(job);
    }
  }

  private void indexCommitsLocked(Job.IndexCommits job) throws IOException {
    Project.NameKey project = Project.nameKey(job.project());
    if (!config.isEnabled(project)) {
      return;
    }
    List<ReferenceInfo> refs;
    try (Repository repo = repos.openRepository(project);
        RevWalk rw = new RevWalk(repo);
        LnkScanner scanner =
            new LnkScanner(repo, job.project(), config.lnkSuffix(), config.scanThreads())) {
      ObjectId tip = ObjectId.fromString(job.newRev());
      Ref branch = repo.exactRef(job.branch());
      if (branch == null
          || branch.getObjectId() == null
          || !isAncestor(rw, job.newRev(), branch.getObjectId())) {
        // Deleted or rewound since: that move queued a rescan behind this job, and a reconcile may
        // have rescanned the branch already; this commit's references would name images for a
        // branch that no longer holds them.
        logger.atInfo().log("%s: skipped, the branch no longer holds %s", job, job.newRev());
        return;
      }
      List<ObjectId> exclude = new ArrayList<>();
      if (job.oldRev() != null && !ObjectId.zeroId().name().equals(job.oldRev())) {
        exclude.add(ObjectId.fromString(job.oldRev()));
      } else {
        // Only this commit (change-merged): its parents were indexed by earlier updates.
        for (RevCommit parent : rw.parseCommit(tip).getParents()) {
          exclude.add(parent.copy());
        }
      }
      refs = scanner.scan(job.branch(), tip, exclude);
    }
    try (ImagestoreClient client = connection.client()) {
      for (List<ReferenceInfo> batch : Lists.partition(refs, BATCH)) {
        client.addReferences(batch);
      }
    }
    state.indexed(job.project(), job.branch(), job.newRev());
    logger.atFine().log("%s: %d references", job, refs.size());
  }

  void rescanBranch(String projectName, String branch) throws IOException {
    try (ProjectLocks.Held held = locks.lock(projectName)) {
      rescanBranchLocked(projectName, branch);
    }
  }

  private void rescanBranchLocked(String projectName, String branch) throws IOException {
    Project.NameKey project = Project.nameKey(projectName);
    if (!config.isEnabled(project)) {
      return;
    }
    List<ReferenceInfo> refs = List.of();
    ObjectId tip;
    try (Repository repo = repos.openRepository(project)) {
      Ref ref = repo.exactRef(branch);
      tip = ref == null ? null : ref.getObjectId();
      if (tip != null) {
        try (LnkScanner scanner =
            new LnkScanner(repo, projectName, config.lnkSuffix(), config.scanThreads())) {
          refs = scanner.scan(branch, tip, List.of());
        }
      }
    }
    try (ImagestoreClient client = connection.client()) {
      client.replaceReferences(projectName, branch, refs);
    }
    if (tip == null) {
      state.branchGone(projectName, branch);
    } else {
      state.indexed(projectName, branch, tip.name());
    }
    logger.atInfo().log("rescanned %s %s: %d references", projectName, branch, refs.size());
  }

  /** What a rescan of a project found. */
  public record ProjectScan(int branches, int references, int malformed) {}

  /**
   * Scans every tracked branch of a project and replaces its whole set of references.
   *
   * @param progress receives a line per branch
   */
  public ProjectScan rescanProject(String projectName, Consumer<String> progress)
      throws IOException {
    try (ProjectLocks.Held held = locks.lock(projectName)) {
      return rescanProjectLocked(projectName, progress);
    }
  }

  private ProjectScan rescanProjectLocked(String projectName, Consumer<String> progress)
      throws IOException {
    Project.NameKey project = Project.nameKey(projectName);
    if (!config.isEnabled(project)) {
      progress.accept(projectName + ": not enabled, skipped");
      return new ProjectScan(0, 0, 0);
    }
    List<Ref> branches = new ArrayList<>();
    int[] found = {0};
    int malformed;
    try (Repository repo = repos.openRepository(project);
        LnkScanner scanner =
            new LnkScanner(repo, projectName, config.lnkSuffix(), config.scanThreads());
        ImagestoreClient client = connection.client()) {
      for (Ref ref : repo.getRefDatabase().getRefsByPrefix("refs/heads/")) {
        if (config.isTracked(ref.getName()) && ref.getObjectId() != null) {
          branches.add(ref);
        }
      }
      // A first import streams the references to the service while the scan goes on.
      client.replaceReferences(
          projectName,
          sink -> {
            for (Ref ref : branches) {
              int[] inBranch = {0};
              scanner.scan(
                  ref.getName(),
                  ref.getObjectId(),
                  List.of(),
                  r -> {
                    inBranch[0]++;
                    sink.accept(r);
                  });
              found[0] += inBranch[0];
              progress.accept(
                  projectName + " " + ref.getName() + ": " + inBranch[0] + " references");
            }
          });
      malformed = scanner.malformed();
    }
    Map<String, String> tips = new TreeMap<>();
    for (Ref ref : branches) {
      tips.put(ref.getName(), ref.getObjectId().name());
    }
    state.indexed(projectName, tips);
    logger.atInfo().log(
        "rescanned project %s: %d branches, %d references, %d malformed links",
        projectName, branches.size(), found[0], malformed);
    return new ProjectScan(branches.size(), found[0], malformed);
  }

  /** The enabled projects, for a reconcile. */
  public List<String> enabledProjects() {
    List<String> out = new ArrayList<>();
    for (Project.NameKey p : projects.all()) {
      if (config.isEnabled(p)) {
        out.add(p.get());
      }
    }
    return out;
  }

  /**
   * One step of a full reconcile: rescans the first enabled project after {@code job.after()} (in
   * name order, as the project list is when the step runs) and returns the step after it; after the
   * last project, queues the deletion of expired orphans (if configured) and returns null. A step
   * holds one project's references; between two steps, whatever was queued in the meantime runs. A
   * project that fails for a reason of its own is queued as a job of its own (retried, given up and
   * reported as any) and the reconcile goes on; trouble reaching the service or the disk fails the
   * step, which is retried. A push of the project of the step waits for the step; others run beside
   * it.
   */
  Job.ReconcileAll reconcileStep(Job.ReconcileAll job) throws IOException {
    if (job.after() == null) {
      state.reconciled(Instant.now());
      logger.atInfo().log("reconcile started");
    }
    String project = nextEnabledProject(job.after());
    if (project == null) {
      if (config.orphanAutoDelete()) {
        outbox.add(new Job.DeleteOrphans());
      }
      logger.atInfo().log("reconcile done");
      return null;
    }
    try {
      rescanProject(project, line -> {});
    } catch (IOException | RuntimeException e) {
      if (FailurePolicy.classify(e) == FailurePolicy.Kind.TRANSIENT) {
        throw e;
      }
      logger.atWarning().withCause(e).log(
          "reconcile: cannot rescan %s; it is queued on its own: %s", project, e);
      outbox.add(new Job.RescanProject(project));
    }
    return new Job.ReconcileAll(project);
  }

  /** The first enabled project whose name sorts after {@code after} (any when null), or null. */
  private String nextEnabledProject(String after) {
    ImmutableSortedSet<Project.NameKey> all = projects.all();
    for (Project.NameKey p : after == null ? all : all.tailSet(Project.nameKey(after), false)) {
      if (config.isEnabled(p)) {
        return p.get();
      }
    }
    return null;
  }

  /**
   * Queues what the plugin must catch up with when it starts, before the jobs a previous run left:
   * a full reconcile on a site that was never indexed; otherwise a job for every tracked branch of
   * an enabled project whose tip is not the commit {@link IndexState} last indexed for it, because
   * it moved while the plugin was not running (Gerrit down, or killed between a ref update and the
   * outbox write). A branch that moved forward indexes the commits since that one (adding
   * references is idempotent, so commits a left-over job indexes too do no harm); a rewound branch,
   * one the state never saw and one that is gone are rescanned. Returns how many jobs.
   */
  public int queueCatchUp() throws IOException {
    if (!state.wasEverReconciled()) {
      logger.atInfo().log("this site was never indexed: queueing a full reconcile");
      outbox.add(new Job.ReconcileAll());
      return 1;
    }
    int queued = 0;
    for (String name : enabledProjects()) {
      Map<String, IndexState.BranchState> indexed = state.branches(name);
      List<Job> jobs = new ArrayList<>();
      try (Repository repo = repos.openRepository(Project.nameKey(name));
          RevWalk rw = new RevWalk(repo)) {
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix("refs/heads/")) {
          if (!config.isTracked(ref.getName()) || ref.getObjectId() == null) {
            continue;
          }
          IndexState.BranchState last = indexed.remove(ref.getName());
          String tip = ref.getObjectId().name();
          if (last == null || !tip.equals(last.commit)) {
            jobs.add(
                last != null && isAncestor(rw, last.commit, ref.getObjectId())
                    ? new Job.IndexCommits(name, ref.getName(), last.commit, tip)
                    : new Job.RescanBranch(name, ref.getName()));
          }
        }
      } catch (RepositoryNotFoundException e) {
        continue; // deleted since the project list was read
      }
      // What is left was indexed once and is gone now.
      for (String branch : indexed.keySet()) {
        if (config.isTracked(branch)) {
          jobs.add(new Job.RescanBranch(name, branch));
        }
      }
      for (Job job : jobs) {
        logger.atInfo().log(
            "catching up with what moved while the plugin was not running: %s", job);
        outbox.add(job);
      }
      queued += jobs.size();
    }
    return queued;
  }

  /** Whether {@code commit} (a name from the state) is an ancestor of, or is, {@code tip}. */
  private static boolean isAncestor(RevWalk rw, String commit, ObjectId tip) throws IOException {
    if (commit == null || !ObjectId.isId(commit)) {
      return false;
    }
    try {
      return rw.isMergedInto(rw.parseCommit(ObjectId.fromString(commit)), rw.parseCommit(tip));
    } catch (MissingObjectException | IncorrectObjectTypeException e) {
      return false; // pruned after a forced update
    }
  }

  /** Deletes orphans past the grace period; returns how many. */
  int deleteOrphans() throws IOException {
    long minAge = config.orphanGracePeriod().toSeconds();
    int deleted = 0;
    try (ImagestoreClient client = connection.client()) {
      ImageId after = null;
      while (true) {
        List<ImageInfo> page = client.listOrphans(after, 1000, minAge);
        for (ImageInfo orphan : page) {
          try {
            if (client.deleteOrphan(ImageId.of(orphan.uuid))) {
              deleted++;
            }
          } catch (ImagestoreException e) {
            if (e.status() != 409) {
              throw e;
            }
            // Referenced again since it was listed: it stays.
          }
        }
        if (page.size() < 1000) {
          break;
        }
        after = ImageId.of(page.get(page.size() - 1).uuid);
      }
    }
    logger.atInfo().log("deleted %d orphaned images older than %ds", deleted, minAge);
    return deleted;
  }
}
