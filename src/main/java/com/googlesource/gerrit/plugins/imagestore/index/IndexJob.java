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

import org.eclipse.jgit.lib.ObjectId;

/**
 * One unit of indexing work, as stored in the outbox. Only the description is stored: the work
 * reads the repository when it runs, so replaying a job is harmless.
 */
public class IndexJob {
  public enum Kind {
    /** References added by the commits between {@code oldRev} and {@code newRev} of a branch. */
    INDEX_COMMITS,
    /** The whole set of one branch, scanned anew (after a forced update, creation or deletion). */
    RESCAN_BRANCH,
    /** The whole set of a project, scanned anew from all its tracked branches. */
    RESCAN_PROJECT,
    /** Rescan every enabled project, then delete expired orphans if configured. */
    RECONCILE_ALL,
    /** Delete orphans past the grace period (with {@code orphanAutoDelete}). */
    DELETE_ORPHANS,
    /** Comment on a new patch set with the previews of the screenshots it changes. */
    POST_PREVIEWS
  }

  public Kind kind;
  public String project;
  public String branch;
  public String oldRev;
  public String newRev;
  public int change;
  public int patchSet;

  public static IndexJob commits(String project, String branch, String oldRev, String newRev) {
    IndexJob j = of(Kind.INDEX_COMMITS, project);
    j.branch = branch;
    j.oldRev = oldRev;
    j.newRev = newRev;
    return j;
  }

  public static IndexJob rescanBranch(String project, String branch) {
    IndexJob j = of(Kind.RESCAN_BRANCH, project);
    j.branch = branch;
    return j;
  }

  public static IndexJob rescanProject(String project) {
    return of(Kind.RESCAN_PROJECT, project);
  }

  public static IndexJob reconcileAll() {
    return of(Kind.RECONCILE_ALL, null);
  }

  public static IndexJob deleteOrphans() {
    return of(Kind.DELETE_ORPHANS, null);
  }

  public static IndexJob postPreviews(String project, int change, int patchSet) {
    IndexJob j = of(Kind.POST_PREVIEWS, project);
    j.change = change;
    j.patchSet = patchSet;
    return j;
  }

  /** Whether the job has what its kind needs to run (a file read back may not). */
  boolean isComplete() {
    if (kind == null) {
      return false;
    }
    return switch (kind) {
      case RECONCILE_ALL, DELETE_ORPHANS -> true;
      case RESCAN_PROJECT -> project != null;
      case RESCAN_BRANCH -> project != null && branch != null;
      case INDEX_COMMITS ->
          project != null
              && branch != null
              && newRev != null
              && ObjectId.isId(newRev)
              && (oldRev == null || ObjectId.isId(oldRev));
      case POST_PREVIEWS -> project != null && change > 0 && patchSet > 0;
    };
  }

  private static IndexJob of(Kind kind, String project) {
    IndexJob j = new IndexJob();
    j.kind = kind;
    j.project = project;
    return j;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
    if (project != null) {
      s.append(' ').append(project);
    }
    if (branch != null) {
      s.append(' ').append(branch);
    }
    if (change != 0) {
      s.append(' ').append(change).append('/').append(patchSet);
    }
    if (newRev != null) {
      s.append(' ')
          .append(oldRev == null ? "" : abbreviate(oldRev) + "..")
          .append(abbreviate(newRev));
    }
    return s.toString();
  }

  private static String abbreviate(String rev) {
    return rev.length() > 8 ? rev.substring(0, 8) : rev;
  }
}
