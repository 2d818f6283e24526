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

import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.index.LnkScanner;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Diagnostics for bench/reconcile.sh (run it with BENCH_VARIANTS=1, or alone): where LnkScanner's
 * time goes, and what alternatives of its loop would cost over the same repository. Each variant
 * reproduces LnkScanner's walk (first-parent tree diff filtered by suffix and ANY_DIFF) with one
 * change, and must find the same number of links.
 *
 * <pre>java -cp CLASSPATH bench/ScanVariants.java GIT_DIR [REPS]</pre>
 *
 * Prints "variant TAB name TAB median-ms TAB links-found" lines.
 */
public class ScanVariants {
  static final TreeFilter FILTER =
      AndTreeFilter.create(PathSuffixFilter.create(".lnk"), TreeFilter.ANY_DIFF);

  interface Variant {
    int run(Repository repo, ObjectId tip) throws Exception;
  }

  /** A reader that keeps the last {@code max} trees it loaded: each tree is diffed twice. */
  static final class TreeCachingReader extends ObjectReader.Filter {
    private final ObjectReader delegate;
    private final Map<ObjectId, byte[]> trees;

    TreeCachingReader(ObjectReader delegate, int max) {
      this.delegate = delegate;
      this.trees =
          new LinkedHashMap<>(max * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ObjectId, byte[]> e) {
              return size() > max;
            }
          };
    }

    @Override
    protected ObjectReader delegate() {
      return delegate;
    }

    @Override
    public ObjectLoader open(AnyObjectId id, int hint) throws IOException {
      if (hint != Constants.OBJ_TREE) {
        return delegate.open(id, hint);
      }
      byte[] b = trees.get(id);
      if (b == null) {
        b = delegate.open(id, hint).getCachedBytes();
        trees.put(id.copy(), b);
      }
      return new ObjectLoader.SmallObject(Constants.OBJ_TREE, b);
    }

    @Override
    public ObjectReader newReader() {
      return new TreeCachingReader(delegate.newReader(), 10_000);
    }
  }

  /** LnkScanner's per-commit loop; reads blobs when {@code blobs} is not null. */
  static int diffCommits(
      Repository repo, ObjectReader reader, List<RevCommit> commits, Map<ObjectId, String> blobs)
      throws IOException {
    int n = 0;
    try (TreeWalk tw = new TreeWalk(repo, reader)) {
      tw.setRecursive(true);
      tw.setFilter(FILTER);
      for (RevCommit c : commits) {
        tw.reset();
        if (c.getParentCount() == 0) {
          tw.addTree(new EmptyTreeIterator());
        } else {
          tw.addTree(c.getParent(0).getTree());
        }
        tw.addTree(c.getTree());
        while (tw.next()) {
          int mode = tw.getRawMode(1);
          if (FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode)) {
            n++;
            if (blobs != null) {
              ObjectId blob = tw.getObjectId(1);
              if (!blobs.containsKey(blob)) {
                try {
                  blobs.put(
                      blob.copy(),
                      LnkFile.parse(reader.open(blob).getCachedBytes(LnkFile.MAX_SIZE)).value());
                } catch (LnkFile.MalformedLnkException e) {
                  blobs.put(blob.copy(), "");
                }
              }
            }
          }
        }
      }
    }
    return n;
  }

  /** The first-parent history with bodies parsed (trees and parents known), newest first. */
  static List<RevCommit> commits(RevWalk rw, ObjectId tip) throws IOException {
    rw.setRetainBody(false);
    rw.markStart(rw.parseCommit(tip));
    List<RevCommit> out = new ArrayList<>();
    for (RevCommit c : rw) {
      for (RevCommit p : c.getParents()) {
        rw.parseHeaders(p);
      }
      out.add(c);
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    File gitDir = new File(args[0]);
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Map<String, Variant> variants = new LinkedHashMap<>();
    variants.put(
        "LnkScanner as is",
        (repo, tip) -> {
          try (LnkScanner s = new LnkScanner(repo, "p", ".lnk")) {
            return s.scan("refs/heads/master", tip, List.of()).size();
          }
        });
    variants.put(
        "  revwalk only (list commits, no diff)",
        (repo, tip) -> {
          try (RevWalk rw = new RevWalk(repo)) {
            return commits(rw, tip).size() * 0;
          }
        });
    variants.put(
        "  tree diff only (no blob read)",
        (repo, tip) -> {
          try (ObjectReader reader = repo.newObjectReader();
              RevWalk rw = new RevWalk(reader)) {
            return diffCommits(repo, reader, commits(rw, tip), null);
          }
        });
    variants.put(
        "same loop, reader caching the last 10k trees",
        (repo, tip) -> {
          try (ObjectReader reader = new TreeCachingReader(repo.newObjectReader(), 10_000);
              RevWalk rw = new RevWalk(reader)) {
            return diffCommits(repo, reader, commits(rw, tip), new HashMap<>());
          }
        });
    variants.put(
        "same loop, commits split over 2 threads",
        (repo, tip) -> {
          List<RevCommit> all;
          try (RevWalk rw = new RevWalk(repo)) {
            all = commits(rw, tip);
          }
          ExecutorService pool = Executors.newFixedThreadPool(2);
          try {
            List<Future<Integer>> parts = new ArrayList<>();
            int half = all.size() / 2;
            for (List<RevCommit> part : List.of(all.subList(0, half), all.subList(half, all.size()))) {
              parts.add(
                  pool.submit(
                      () -> {
                        try (ObjectReader reader = repo.newObjectReader()) {
                          return diffCommits(repo, reader, part, new HashMap<>());
                        }
                      }));
            }
            int n = 0;
            for (Future<Integer> f : parts) {
              n += f.get();
            }
            return n;
          } finally {
            pool.shutdown();
          }
        });

    try (Repository repo = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build()) {
      ObjectId tip = repo.exactRef("refs/heads/master").getObjectId();
      Map<String, List<Double>> times = new LinkedHashMap<>();
      Map<String, Integer> found = new HashMap<>();
      // Round-robin, so drift on a noisy machine hits every variant alike; round 1 is warm-up.
      for (int r = 0; r <= reps; r++) {
        for (Map.Entry<String, Variant> v : variants.entrySet()) {
          long t0 = System.nanoTime();
          int n = v.getValue().run(repo, tip);
          double ms = (System.nanoTime() - t0) / 1e6;
          found.put(v.getKey(), n);
          if (r > 0) {
            times.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(ms);
          }
        }
      }
      for (Map.Entry<String, List<Double>> e : times.entrySet()) {
        List<Double> s = new ArrayList<>(e.getValue());
        Collections.sort(s);
        double median =
            s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        System.out.printf(
            "variant\t%s\t%.1f\t%d%n", e.getKey(), median, found.get(e.getKey()));
      }
    }
  }
}
