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

package com.googlesource.gerrit.plugins.imagestore.review;

import com.google.gerrit.common.Nullable;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.MalformedLnkException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** The {@code .lnk} files a commit changes compared with its first parent (its review base). */
public final class LinkDiff {
  private LinkDiff() {}

  /**
   * The link changes of {@code commit} against its first parent (against nothing for a root
   * commit), in path order. A file whose images stay the same (say, reformatted) is no change; one
   * that adds or drops a variant is.
   */
  public static List<LinkChange> of(Repository repo, ObjectId commit, String suffix)
      throws IOException {
    try (RevWalk rw = new RevWalk(repo)) {
      RevCommit c = rw.parseCommit(commit);
      RevCommit base = c.getParentCount() > 0 ? rw.parseCommit(c.getParent(0)) : null;
      return between(rw.getObjectReader(), base, c, suffix);
    }
  }

  private static List<LinkChange> between(
      ObjectReader reader, @Nullable RevCommit base, RevCommit commit, String suffix)
      throws IOException {
    List<LinkChange> out = new ArrayList<>();
    try (TreeWalk tw = new TreeWalk(reader)) {
      tw.setRecursive(true);
      tw.setFilter(AndTreeFilter.create(PathSuffixFilter.create(suffix), TreeFilter.ANY_DIFF));
      if (base == null) {
        tw.addTree(new EmptyTreeIterator());
      } else {
        tw.addTree(base.getTree());
      }
      tw.addTree(commit.getTree());
      while (tw.next()) {
        boolean before = isFile(tw.getRawMode(0));
        boolean after = isFile(tw.getRawMode(1));
        if (!before && !after) {
          continue;
        }
        Parsed oldSide = before ? read(reader, tw.getObjectId(0)) : null;
        Parsed newSide = after ? read(reader, tw.getObjectId(1)) : null;
        String path = tw.getPathString();
        if (oldSide == null) {
          out.add(
              new LinkChange(
                  path,
                  LinkChange.Status.ADDED,
                  null,
                  newSide.id(),
                  newSide.problem,
                  newSide.variants()));
        } else if (newSide == null) {
          out.add(new LinkChange(path, LinkChange.Status.DELETED, oldSide.id(), null, null));
        } else if (newSide.links == null || !newSide.links.equals(oldSide.links)) {
          out.add(
              new LinkChange(
                  path,
                  LinkChange.Status.MODIFIED,
                  oldSide.id(),
                  newSide.id(),
                  newSide.problem,
                  newSide.variants()));
        }
      }
    }
    return out;
  }

  private static boolean isFile(int mode) {
    return FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode);
  }

  private record Parsed(@Nullable Links links, @Nullable String problem) {
    @Nullable
    ImageId id() {
      return links == null ? null : links.reference();
    }

    List<ImageId> variants() {
      return links == null ? List.of() : links.variants();
    }
  }

  private static Parsed read(ObjectReader reader, ObjectId blob) throws IOException {
    ObjectLoader loader = reader.open(blob);
    if (loader.getSize() > LnkFile.MAX_SIZE) {
      return new Parsed(null, "too large for a link file (" + loader.getSize() + " bytes)");
    }
    try {
      return new Parsed(LnkFile.parseLinks(loader.getCachedBytes()), null);
    } catch (MalformedLnkException e) {
      return new Parsed(null, e.getMessage());
    }
  }
}
