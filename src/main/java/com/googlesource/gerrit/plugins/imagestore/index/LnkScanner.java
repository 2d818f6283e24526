package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.MalformedLnkException;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class LnkScanner implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final Repository repo;
  private final String project;
  private final ObjectReader reader;
  private final TreeFilter filter;

  /**
   * Parsed ids of link blobs; empty for a malformed one. Blobs recur across commits and branches.
   */
  private final Map<ObjectId, Optional<ImageId>> blobs = new HashMap<>();

  /** Links each commit adds, so a commit shared by several branches is diffed once. */
  private final Map<ObjectId, List<String[]>> commits = new HashMap<>();

  private int malformed;

  public LnkScanner(Repository repo, String project, String suffix) {
    this.repo = repo;
    this.project = project;
    this.reader = repo.newObjectReader();
    this.filter = AndTreeFilter.create(PathSuffixFilter.create(suffix), TreeFilter.ANY_DIFF);
  }

  /** How many malformed links were skipped (each logged once per blob). */
  public int malformed() {
    return malformed;
  }

  /**
   * Walks the commits reachable from {@code tip} but not from any of {@code exclude}, and returns a
   * reference for every link each of them adds or changes.
   */
  public List<ReferenceInfo> scan(String branch, ObjectId tip, Collection<ObjectId> exclude)
      throws IOException {
    List<ReferenceInfo> out = new ArrayList<>();
    try (RevWalk rw = new RevWalk(reader);
        TreeWalk tw = new TreeWalk(repo, reader)) {
      rw.setRetainBody(false);
      rw.markStart(rw.parseCommit(tip));
      for (ObjectId old : exclude) {
        try {
          rw.markUninteresting(rw.parseCommit(old));
        } catch (MissingObjectException e) {
          // The old tip is gone (pruned after a forced update): walk everything instead.
        }
      }
      tw.setRecursive(true);
      tw.setFilter(filter);
      for (RevCommit c = rw.next(); c != null; c = rw.next()) {
        for (String[] link : linksAddedBy(rw, tw, c)) {
          out.add(new ReferenceInfo(project, branch, c.name(), link[0], link[1]));
        }
      }
    }
    return out;
  }

  private List<String[]> linksAddedBy(RevWalk rw, TreeWalk tw, RevCommit c) throws IOException {
    List<String[]> known = commits.get(c);
    if (known != null) {
      return known;
    }
    List<String[]> links = new ArrayList<>(0);
    tw.reset();
    if (c.getParentCount() == 0) {
      tw.addTree(new EmptyTreeIterator());
    } else {
      tw.addTree(rw.parseCommit(c.getParent(0)).getTree());
    }
    tw.addTree(c.getTree());
    while (tw.next()) {
      int mode = tw.getRawMode(1);
      if (FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode)) {
        ObjectId blob = tw.getObjectId(1);
        Optional<ImageId> id = blobs.get(blob);
        if (id == null) {
          id = parse(blob, c, tw.getPathString());
          blobs.put(blob.copy(), id);
        }
        id.ifPresent(i -> links.add(new String[] {tw.getPathString(), i.value()}));
      }
    }
    commits.put(c.copy(), links);
    return links;
  }

  private Optional<ImageId> parse(ObjectId blob, RevCommit c, String path) throws IOException {
    ObjectLoader loader = reader.open(blob);
    try {
      if (loader.getSize() > LnkFile.MAX_SIZE) {
        throw new MalformedLnkException("too large for a link (" + loader.getSize() + " bytes)");
      }
      return Optional.of(LnkFile.parse(loader.getCachedBytes(LnkFile.MAX_SIZE)));
    } catch (MalformedLnkException e) {
      malformed++;
      logger.atWarning().log(
          "skipping malformed link in project %s, commit %s, path %s: %s",
          project, c.name(), path, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
