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

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.MalformedLnkException;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.jgit.errors.MissingObjectException;
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

/**
 * Finds the {@code .lnk} files that commits add or change. Each commit is compared with its first
 * parent by a tree diff filtered by the suffix, so unchanged subtrees are skipped without being
 * read; every other commit of a merge's side branches is walked on its own.
 *
 * <p>Almost all the time goes into inflating trees, and each commit's diff is independent of the
 * others, so long walks spread the diffs over {@code threads} threads, each with its own reader;
 * the results are merged back in walk order.
 */
public final class LnkScanner implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** Below this many commits a second thread costs more than it saves. */
  private static final int PARALLEL_THRESHOLD = 256;

  private final Repository repo;
  private final String project;
  private final int threads;
  private final ObjectReader reader;
  private final TreeFilter filter;

  /**
   * Parsed link blobs (reference and variants); empty for a malformed one. Blobs recur across
   * commits and branches.
   */
  private final Map<ObjectId, Optional<Links>> blobs = new ConcurrentHashMap<>();

  /** Links each commit adds, so a commit shared by several branches is diffed once. */
  private final Map<ObjectId, List<String[]>> commits = new ConcurrentHashMap<>();

  private final AtomicInteger malformed = new AtomicInteger();

  public LnkScanner(Repository repo, String project, String suffix) {
    this(repo, project, suffix, ImagestoreConfig.DEFAULT_SCAN_THREADS);
  }

  public LnkScanner(Repository repo, String project, String suffix, int threads) {
    this.repo = repo;
    this.project = project;
    this.threads = Math.max(1, threads);
    this.reader = repo.newObjectReader();
    this.filter = AndTreeFilter.create(PathSuffixFilter.create(suffix), TreeFilter.ANY_DIFF);
  }

  /** How many malformed links were skipped (each logged once per blob). */
  public int malformed() {
    return malformed.get();
  }

  /** A commit to diff: its tree against its first parent's (null for a root commit). */
  private record Diff(ObjectId commit, ObjectId parentTree, ObjectId tree) {}

  /**
   * Walks the commits reachable from {@code tip} but not from any of {@code exclude}, and returns a
   * reference for every image (the reference and each variant) of every link each of them adds or
   * changes.
   */
  public List<ReferenceInfo> scan(String branch, ObjectId tip, Collection<ObjectId> exclude)
      throws IOException {
    List<Diff> walk = walk(tip, exclude);
    diff(walk, (d, links) -> {});
    List<ReferenceInfo> out = new ArrayList<>();
    for (Diff d : walk) {
      for (String[] link : commits.get(d.commit())) {
        out.add(new ReferenceInfo(project, branch, d.commit().name(), link[0], link[1]));
      }
    }
    return out;
  }

  /**
   * Like {@link #scan(String, ObjectId, Collection)}, handing each reference to {@code found} as
   * soon as its commit is diffed (in no particular order, from the scanning threads, one at a
   * time), so that a caller can send them while the walk goes on.
   */
  public void scan(
      String branch, ObjectId tip, Collection<ObjectId> exclude, Consumer<ReferenceInfo> found)
      throws IOException {
    Object turn = new Object();
    BiConsumer<Diff, List<String[]>> emit =
        (d, links) -> {
          synchronized (turn) {
            for (String[] link : links) {
              found.accept(new ReferenceInfo(project, branch, d.commit().name(), link[0], link[1]));
            }
          }
        };
    List<Diff> walk = walk(tip, exclude);
    for (Diff d : walk) {
      List<String[]> known = commits.get(d.commit());
      if (known != null) {
        emit.accept(d, known); // diffed for another branch already
      }
    }
    diff(walk, emit);
  }

  private List<Diff> walk(ObjectId tip, Collection<ObjectId> exclude) throws IOException {
    List<Diff> walk = new ArrayList<>();
    try (RevWalk rw = new RevWalk(reader)) {
      rw.setRetainBody(false);
      rw.markStart(rw.parseCommit(tip));
      for (ObjectId old : exclude) {
        try {
          rw.markUninteresting(rw.parseCommit(old));
        } catch (MissingObjectException e) {
          // The old tip is gone (pruned after a forced update): walk everything instead.
        }
      }
      for (RevCommit c = rw.next(); c != null; c = rw.next()) {
        ObjectId parentTree =
            c.getParentCount() == 0 ? null : rw.parseCommit(c.getParent(0)).getTree().copy();
        walk.add(new Diff(c.copy(), parentTree, c.getTree().copy()));
      }
    }
    return walk;
  }

  /** Diffs the commits of {@code walk} not diffed yet, telling {@code diffed} of each. */
  private void diff(List<Diff> walk, BiConsumer<Diff, List<String[]>> diffed) throws IOException {
    List<Diff> todo = walk.stream().filter(d -> !commits.containsKey(d.commit())).toList();
    try {
      if (threads == 1 || todo.size() < PARALLEL_THRESHOLD) {
        diffAll(todo, 0, 1, diffed);
      } else {
        diffInParallel(todo, diffed);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void diffInParallel(List<Diff> todo, BiConsumer<Diff, List<String[]>> diffed)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads - 1,
            r -> {
              Thread t = new Thread(r, "imagestore-scan-" + project);
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> parts = new ArrayList<>();
      for (int k = 1; k < threads; k++) {
        int first = k;
        parts.add(
            pool.submit(
                () -> {
                  diffAll(todo, first, threads, diffed);
                  return null;
                }));
      }
      diffAll(todo, 0, threads, diffed); // the calling thread takes its share too
      for (Future<Void> part : parts) {
        part.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while scanning " + project, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("scanning " + project + " failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Diffs every {@code step}-th commit of {@code todo} from {@code first}, with its own reader. */
  private void diffAll(
      List<Diff> todo, int first, int step, BiConsumer<Diff, List<String[]>> diffed) {
    try (ObjectReader own = first == 0 ? null : repo.newObjectReader();
        TreeWalk tw = new TreeWalk(repo, first == 0 ? reader : own)) {
      ObjectReader r = first == 0 ? reader : own;
      tw.setRecursive(true);
      tw.setFilter(filter);
      for (int i = first; i < todo.size(); i += step) {
        Diff d = todo.get(i);
        List<String[]> links = linksAddedBy(r, tw, d);
        commits.put(d.commit(), links);
        diffed.accept(d, links);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String[]> linksAddedBy(ObjectReader r, TreeWalk tw, Diff d) throws IOException {
    // Blob reads inside the cache throw UncheckedIOException; scan() unwraps it.
    List<String[]> links = new ArrayList<>(0);
    tw.reset();
    if (d.parentTree() == null) {
      tw.addTree(new EmptyTreeIterator());
    } else {
      tw.addTree(d.parentTree());
    }
    tw.addTree(d.tree());
    while (tw.next()) {
      int mode = tw.getRawMode(1);
      if (FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode)) {
        ObjectId blob = tw.getObjectId(1);
        String path = tw.getPathString();
        Optional<Links> parsed =
            blobs.computeIfAbsent(
                blob.copy(),
                b -> {
                  try {
                    return parse(r, b, d.commit(), path);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
        // Every image a link lists is referenced: a variant is as much in use as the reference.
        parsed.ifPresent(
            l -> {
              for (ImageId id : l.all()) {
                links.add(new String[] {path, id.value()});
              }
            });
      }
    }
    return links;
  }

  private Optional<Links> parse(ObjectReader r, ObjectId blob, ObjectId commit, String path)
      throws IOException {
    ObjectLoader loader = r.open(blob);
    try {
      if (loader.getSize() > LnkFile.MAX_SIZE) {
        throw new MalformedLnkException("too large for a link (" + loader.getSize() + " bytes)");
      }
      return Optional.of(LnkFile.parseLinks(loader.getCachedBytes(LnkFile.MAX_SIZE)));
    } catch (MalformedLnkException e) {
      malformed.incrementAndGet();
      logger.atWarning().log(
          "skipping malformed link in project %s, commit %s, path %s: %s",
          project, commit.name(), path, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
