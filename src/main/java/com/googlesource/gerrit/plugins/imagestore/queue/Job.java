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

import java.util.Locale;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One unit of background work, as stored in the {@link Outbox}: one small immutable record per
 * kind. Only the description is stored: the work reads the repository when it runs, so replaying a
 * job is harmless. Each kind has one {@link JobHandler}, bound in Guice by {@link QueueModule}.
 */
public sealed interface Job {
  /** The kinds, as named in job files (their {@code kind} field and their file name). */
  enum Kind {
    INDEX_COMMITS(IndexCommits.class, Lane.PUSHES),
    RESCAN_BRANCH(RescanBranch.class, Lane.PUSHES),
    RESCAN_PROJECT(RescanProject.class, Lane.RESCANS),
    RECONCILE_ALL(ReconcileAll.class, Lane.RESCANS),
    DELETE_ORPHANS(DeleteOrphans.class, Lane.PUSHES),
    POST_PREVIEWS(PostPreviews.class, Lane.PUSHES);

    private final Class<? extends Job> type;
    private final Lane lane;

    Kind(Class<? extends Job> type, Lane lane) {
      this.type = type;
      this.lane = lane;
    }

    public Class<? extends Job> type() {
      return type;
    }

    /** The lane of the {@link JobWorker} that runs jobs of this kind. */
    public Lane lane() {
      return lane;
    }

    public static Kind of(Class<? extends Job> type) {
      for (Kind k : values()) {
        if (k.type == type) {
          return k;
        }
      }
      throw new IllegalArgumentException("no kind for " + type);
    }
  }

  /**
   * The {@link JobWorker}'s lanes: each runs its jobs one at a time, oldest first, beside the other
   * lane, so a push is not queued behind a rescan of other projects. Jobs of one project in two
   * lanes may run in either order: the indexer lets one job of a project run at a time, a rescan
   * reads the branches as they are when it runs, and an index job adds nothing for a commit its
   * branch no longer holds, so either order ends with what the branches hold.
   */
  enum Lane {
    /**
     * What a branch move or a new patch set queues: small, and waited for by people. Also the
     * orphan deletion a reconcile ends with: behind the pushes queued before it, so that it never
     * deletes an image one of them refers to again.
     */
    PUSHES,
    /** Whole projects: a reconcile (one project per step), a project's rescan. */
    RESCANS
  }

  /** References added by the commits between {@code oldRev} and {@code newRev} of a branch. */
  record IndexCommits(String project, String branch, String oldRev, String newRev) implements Job {
    @Override
    public boolean isComplete() {
      return project != null
          && branch != null
          && newRev != null
          && ObjectId.isId(newRev)
          && (oldRev == null || ObjectId.isId(oldRev));
    }

    @Override
    public String toString() {
      return Job.describe(this);
    }
  }

  /** The whole set of one branch, scanned anew (after a forced update, creation or deletion). */
  record RescanBranch(String project, String branch) implements Job {
    @Override
    public boolean isComplete() {
      return project != null && branch != null;
    }

    @Override
    public String toString() {
      return Job.describe(this);
    }
  }

  /** The whole set of a project, scanned anew from all its tracked branches. */
  record RescanProject(String project) implements Job {
    @Override
    public boolean isComplete() {
      return project != null;
    }

    @Override
    public String toString() {
      return Job.describe(this);
    }
  }

  /**
   * Rescan every enabled project, then delete expired orphans if configured. Runs one project per
   * step on the {@link Lane#RESCANS} lane: each step's handler returns the next one, which goes to
   * the back of that lane, so a project's rescan queued in the meantime waits for one step at most;
   * a push runs beside the steps, and waits only for a step of its own project.
   *
   * @param after the last project done, in name order; null to start from the first
   */
  record ReconcileAll(String after) implements Job {
    /** A reconcile from the start. */
    public ReconcileAll() {
      this(null);
    }

    @Override
    public String toString() {
      return Job.describe(this);
    }
  }

  /** Delete orphans past the grace period (with {@code orphanAutoDelete}). */
  record DeleteOrphans() implements Job {
    @Override
    public String toString() {
      return Job.describe(this);
    }
  }

  /** Comment on a new patch set with the previews of the screenshots it changes. */
  record PostPreviews(String project, int change, int patchSet) implements Job {
    @Override
    public boolean isComplete() {
      return project != null && change > 0 && patchSet > 0;
    }

    @Override
    public String toString() {
      return Job.describe(this);
    }
  }

  default Kind kind() {
    return Kind.of(getClass());
  }

  /** The project the job is about; null for site-wide work. */
  default String project() {
    return null;
  }

  /** The branch the job is about; null when it is about no single branch. */
  default String branch() {
    return null;
  }

  /** Whether the job has what its kind needs to run (a file read back may not). */
  default boolean isComplete() {
    return true;
  }

  /** How logs, the status and the set-aside reports name the job: kind, project, branch, ... */
  static String describe(Job job) {
    StringBuilder s = new StringBuilder(job.kind().name().toLowerCase(Locale.ROOT));
    if (job.project() != null) {
      s.append(' ').append(job.project());
    }
    if (job.branch() != null) {
      s.append(' ').append(job.branch());
    }
    if (job instanceof ReconcileAll r && r.after() != null) {
      s.append(" after ").append(r.after());
    }
    if (job instanceof PostPreviews p) {
      s.append(' ').append(p.change()).append('/').append(p.patchSet());
    }
    if (job instanceof IndexCommits c && c.newRev() != null) {
      s.append(' ')
          .append(c.oldRev() == null ? "" : abbreviate(c.oldRev()) + "..")
          .append(abbreviate(c.newRev()));
    }
    return s.toString();
  }

  private static String abbreviate(String rev) {
    return rev.length() > 8 ? rev.substring(0, 8) : rev;
  }
}
