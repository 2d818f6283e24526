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

package com.googlesource.gerrit.plugins.imagestore.central;

import com.google.common.flogger.FluentLogger;
import com.google.common.hash.Hashing;
import com.google.gerrit.entities.BranchNameKey;
import com.google.gerrit.entities.Change;
import com.google.gerrit.entities.PatchSet;
import com.google.gerrit.entities.Project;
import com.google.gerrit.entities.RefNames;
import com.google.gerrit.extensions.api.GerritApi;
import com.google.gerrit.extensions.api.changes.ReviewerInput;
import com.google.gerrit.extensions.api.changes.ReviewerResult;
import com.google.gerrit.extensions.registration.DynamicItem;
import com.google.gerrit.extensions.restapi.BadRequestException;
import com.google.gerrit.extensions.restapi.ResourceConflictException;
import com.google.gerrit.extensions.restapi.RestApiException;
import com.google.gerrit.extensions.restapi.UnprocessableEntityException;
import com.google.gerrit.server.CurrentUser;
import com.google.gerrit.server.GerritPersonIdent;
import com.google.gerrit.server.IdentifiedUser;
import com.google.gerrit.server.Sequences;
import com.google.gerrit.server.change.ChangeInserter;
import com.google.gerrit.server.change.PatchSetInserter;
import com.google.gerrit.server.config.UrlFormatter;
import com.google.gerrit.server.git.GitRepositoryManager;
import com.google.gerrit.server.permissions.PermissionBackend;
import com.google.gerrit.server.permissions.PermissionBackendException;
import com.google.gerrit.server.permissions.RefPermission;
import com.google.gerrit.server.project.ProjectState;
import com.google.gerrit.server.query.change.ChangeData;
import com.google.gerrit.server.query.change.InternalChangeQuery;
import com.google.gerrit.server.update.BatchUpdate;
import com.google.gerrit.server.update.RetryHelper;
import com.google.gerrit.server.update.UpdateException;
import com.google.gerrit.server.update.context.RefUpdateContext;
import com.google.gerrit.server.update.context.RefUpdateContext.RefUpdateType;
import com.google.gerrit.server.util.time.TimeUtil;
import com.google.inject.Inject;
import com.google.inject.Provider;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.remote.ImagestoreConnection;
import com.googlesource.gerrit.plugins.imagestore.review.Markdown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.eclipse.jgit.util.ChangeIdUtil;

/**
 * The central job's reviews: one open change per (project, branch, test, runtime, caller), found
 * again by a topic derived from that key (the way plugins/automerger finds its downstream change by
 * topic and branch), and updated with a new patch set when the job records new images.
 */
@Singleton
public class CentralReviews {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** Footer naming the test and runtime, for people reading the commit. */
  public static final String FOOTER = "Imagestore-Central";

  /** Topics of central changes start with this, so they are easy to search for. */
  public static final String TOPIC_PREFIX = "imagestore-central-";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final int MAX_IMAGES = 10_000;
  private static final int MAX_PATH = 4096;

  private final ImagestoreConfig config;
  private final GitRepositoryManager repos;
  private final ImagestoreConnection connection;
  private final Provider<CurrentUser> user;
  private final PermissionBackend permissions;
  private final Provider<InternalChangeQuery> queries;
  private final Sequences sequences;
  private final ChangeInserter.Factory changeInserters;
  private final PatchSetInserter.Factory patchSetInserters;
  private final BatchUpdate.Factory updates;
  private final GerritApi gApi;
  private final DynamicItem<UrlFormatter> urls;
  private final ZoneId zone;
  private final RetryHelper retries;

  @Inject
  CentralReviews(
      ImagestoreConfig config,
      GitRepositoryManager repos,
      ImagestoreConnection connection,
      Provider<CurrentUser> user,
      PermissionBackend permissions,
      Provider<InternalChangeQuery> queries,
      Sequences sequences,
      ChangeInserter.Factory changeInserters,
      PatchSetInserter.Factory patchSetInserters,
      BatchUpdate.Factory updates,
      GerritApi gApi,
      DynamicItem<UrlFormatter> urls,
      @GerritPersonIdent Provider<PersonIdent> serverIdent,
      RetryHelper retries) {
    this.retries = retries;
    this.config = config;
    this.repos = repos;
    this.connection = connection;
    this.user = user;
    this.permissions = permissions;
    this.queries = queries;
    this.sequences = sequences;
    this.changeInserters = changeInserters;
    this.patchSetInserters = patchSetInserters;
    this.updates = updates;
    this.gApi = gApi;
    this.urls = urls;
    this.zone = serverIdent.get().getZoneId();
  }

  public CentralReviewInfo createOrUpdate(ProjectState projectState, CentralReviewInput in)
      throws RestApiException, IOException, UpdateException, PermissionBackendException {
    Project.NameKey project = projectState.getNameKey();
    Map<String, ImageId> images = validate(in, config.lnkSuffix());
    String branch = RefNames.fullName(in.branch.trim());
    if (!config.isTracked(branch)) {
      throw new BadRequestException(branch + " is not a branch imagestore tracks");
    }
    IdentifiedUser me = user.get().asIdentifiedUser();
    PermissionBackend.ForRef onBranch =
        permissions.user(me).ref(BranchNameKey.create(project, branch));
    onBranch.check(RefPermission.READ);
    onBranch.check(RefPermission.CREATE_CHANGE);
    requireStored(images);

    String topic = topic(project, branch, in.test, in.runtime, me);
    Optional<ChangeData> open = findOpen(project, branch, topic, me);
    CentralReviewInfo info = new CentralReviewInfo();
    try (Repository repo = repos.openRepository(project);
        ObjectInserter inserter = repo.newObjectInserter();
        ObjectReader reader = inserter.newReader();
        RevWalk rw = new RevWalk(reader)) {
      Ref tipRef = repo.exactRef(branch);
      if (tipRef == null) {
        throw new UnprocessableEntityException("branch " + branch + " does not exist");
      }
      RevCommit tip = rw.parseCommit(tipRef.getObjectId());
      RevCommit current =
          open.isPresent() ? rw.parseCommit(open.get().currentPatchSet().commitId()) : tip;
      if (alreadyNames(reader, current.getTree(), images)) {
        open.ifPresent(cd -> describe(info, cd.change(), cd.currentPatchSet().number()));
        info.unchanged = true;
        return info;
      }

      Instant now = TimeUtil.now();
      PersonIdent ident = me.newCommitterIdent(now, zone);
      String changeKey = open.map(cd -> cd.change().getKey().get()).orElse(null);
      ObjectId commit =
          commit(inserter, reader, tip, images, message(in, branch), changeKey, ident);
      inserter.flush();
      RevCommit newCommit = rw.parseCommit(commit);

      try (RefUpdateContext ctx = RefUpdateContext.open(RefUpdateType.CHANGE_MODIFICATION);
          BatchUpdate bu = updates.create(project, me, now)) {
        bu.setRepository(repo, rw, inserter);
        if (open.isPresent()) {
          ChangeData cd = open.get();
          PatchSet.Id psId = PatchSet.id(cd.getId(), cd.currentPatchSet().number() + 1);
          PatchSetInserter ps = patchSetInserters.create(cd.notes(), psId, newCommit);
          ps.setMessage(
              "Uploaded patch set " + psId.get() + ": new screenshots by the central job.");
          ps.setTopic(topic);
          bu.addOp(cd.getId(), ps);
          bu.execute();
          describe(info, cd.change(), psId.get());
        } else {
          Change.Id id = Change.id(sequences.nextChangeId());
          ChangeInserter ins = changeInserters.create(id, newCommit, branch);
          ins.setTopic(topic);
          ins.setMessage("Uploaded patch set 1: screenshots recorded by the central job.");
          bu.insertChange(ins);
          bu.execute();
          describe(info, ins.getChange(), 1);
          info.created = true;
        }
      }
      addReviewer(info, project, repo, tip, in, images, me);
    }
    logger.atInfo().log(
        "central review %s of %s %s %s/%s: %s",
        info.number, project, branch, in.test, in.runtime, info.created ? "created" : "updated");
    return info;
  }

  private void describe(CentralReviewInfo info, Change change, int patchSet) {
    info.number = change.getChangeId();
    info.changeId = change.getKey().get();
    info.patchSet = patchSet;
    info.url = urls.get().getChangeViewUrl(change.getProject(), change.getId()).orElse(null);
  }

  static Map<String, ImageId> validate(CentralReviewInput in, String suffix)
      throws BadRequestException {
    if (in == null) {
      throw new BadRequestException("a JSON body is required");
    }
    if (in.branch == null || in.branch.isBlank()) {
      throw new BadRequestException("'branch' is required");
    }
    if (!isName(in.test)) {
      throw new BadRequestException("'test' is required: letters, digits, '.', '_' or '-'");
    }
    if (in.runtime == null || in.runtime.split("/", -1).length != 6) {
      throw new BadRequestException(
          "'runtime' is required: platform/resolution/browser/theme/direction/mode");
    }
    for (String part : in.runtime.split("/", -1)) {
      if (!isName(part)) {
        throw new BadRequestException("'runtime' has a bad part: '" + Markdown.visible(part) + "'");
      }
    }
    if (in.images == null || in.images.isEmpty()) {
      throw new BadRequestException("'images' is required: {\"<path of the .lnk>\": \"<uuid>\"}");
    }
    if (in.images.size() > MAX_IMAGES) {
      throw new BadRequestException("at most " + MAX_IMAGES + " images per call");
    }
    Map<String, ImageId> out = new TreeMap<>();
    for (Map.Entry<String, String> e : in.images.entrySet()) {
      String path = e.getKey();
      String problem = linkPathProblem(path, suffix, in.test, in.runtime);
      if (problem != null) {
        throw new BadRequestException("'" + Markdown.visible(path) + "' " + problem);
      }
      if (!ImageId.isValid(e.getValue())) {
        throw new BadRequestException(
            path + ": '" + Markdown.visible(e.getValue()) + "' is not an image id");
      }
      out.put(path, ImageId.of(e.getValue()));
    }
    return out;
  }

  private static boolean isName(String s) {
    return s != null && NAME.matcher(s).matches() && !s.equals(".") && !s.equals("..");
  }

  /**
   * Why a central review may not write {@code path}, or null when it may: only link files of the
   * call's test and runtime, below an {@code images} directory in UIVeri5's layout ({@code
   * [dir/]images/<test>/<platform>/<resolution>/<browser>/<theme>/<direction>/<mode>/<name><suffix>}),
   * with clean segments: not absolute, no empty, {@code .}, {@code ..} or {@code .git*} segment
   * (nor one git on Windows or macOS would read as {@code .git}), no backslash, no control, format
   * or separator character.
   */
  static String linkPathProblem(String path, String suffix, String test, String runtime) {
    if (path == null || path.isEmpty()) {
      return "is empty";
    }
    if (path.length() > MAX_PATH) {
      return "is longer than " + MAX_PATH + " characters";
    }
    if (path.startsWith("/")) {
      return "is absolute: paths are relative to the repository root";
    }
    if (path.indexOf('\\') >= 0) {
      return "has a backslash";
    }
    if (path.codePoints().anyMatch(CentralReviews::isControl)) {
      return "has a control, format or separator character";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "has an empty, '.' or '..' segment";
      }
      if (segment.toLowerCase(Locale.ROOT).startsWith(Constants.DOT_GIT)) {
        return "names a .git file or directory";
      }
    }
    try {
      new ObjectChecker().setSafeForWindows(true).setSafeForMacOS(true).checkPath(path);
    } catch (CorruptObjectException e) {
      return "is not a safe repository path (" + e.getMessage() + ")";
    }
    int slash = path.lastIndexOf('/') + 1;
    String dir = path.substring(0, slash);
    String name = path.substring(slash);
    if (!name.endsWith(suffix) || name.length() == suffix.length()) {
      return "is not a link file: its name must end with " + suffix;
    }
    String expected = "images/" + test + "/" + runtime + "/";
    if (!dir.equals(expected) && !dir.endsWith("/" + expected)) {
      return "is not a link of this test and runtime: it must be in a directory " + expected;
    }
    return null;
  }

  private static boolean isControl(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE;
  }

  private void requireStored(Map<String, ImageId> images)
      throws IOException, ResourceConflictException {
    List<String> missing = new ArrayList<>();
    try (ImagestoreClient client = connection.client()) {
      for (ImageId id : new TreeSet<>(images.values())) {
        if (!client.exists(id)) {
          missing.add(id.value());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new ResourceConflictException(
          "the image service does not have: " + String.join(", ", missing));
    }
  }

  /** The topic naming one central review: the same inputs always give the same topic. */
  static String topic(
      Project.NameKey project, String branch, String test, String runtime, IdentifiedUser me) {
    String key = String.join("\0", project.get(), branch, test, runtime, me.getAccountId() + "");
    return TOPIC_PREFIX
        + Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString().substring(0, 16);
  }

  private Optional<ChangeData> findOpen(
      Project.NameKey project, String branch, String topic, IdentifiedUser me) {
    return queries.get().byTopicOpen(topic).stream()
        .filter(cd -> cd.project().equals(project))
        .filter(cd -> cd.change().getDest().branch().equals(branch))
        .filter(cd -> cd.change().getOwner().equals(me.getAccountId()))
        .findFirst();
  }

  /** Whether every link of {@code images} in {@code tree} names its image already. */
  private static boolean alreadyNames(
      ObjectReader reader, RevTree tree, Map<String, ImageId> images) throws IOException {
    for (Map.Entry<String, ImageId> e : images.entrySet()) {
      try (TreeWalk tw = TreeWalk.forPath(reader, e.getKey(), tree)) {
        if (tw == null || !FileMode.REGULAR_FILE.equals(tw.getRawMode(0))) {
          return false;
        }
        ObjectLoader blob = reader.open(tw.getObjectId(0));
        if (blob.getSize() > LnkFile.MAX_SIZE || !names(blob.getCachedBytes(), e.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean names(byte[] lnk, ImageId id) {
    try {
      return LnkFile.parse(lnk).equals(id);
    } catch (LnkFile.MalformedLnkException e) {
      return false;
    }
  }

  private static ObjectId commit(
      ObjectInserter inserter,
      ObjectReader reader,
      RevCommit tip,
      Map<String, ImageId> images,
      String message,
      String changeKey,
      PersonIdent ident)
      throws IOException {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, tip.getTree());
    builder.finish();
    DirCacheEditor editor = index.editor();
    for (Map.Entry<String, ImageId> e : images.entrySet()) {
      LnkFile.Links links = keptVariants(reader, tip.getTree(), e.getKey(), e.getValue());
      ObjectId blob = inserter.insert(Constants.OBJ_BLOB, LnkFile.formatBytes(links));
      editor.add(
          new DirCacheEditor.PathEdit(e.getKey()) {
            @Override
            public void apply(DirCacheEntry ent) {
              ent.setFileMode(FileMode.REGULAR_FILE);
              ent.setObjectId(blob);
            }
          });
    }
    editor.finish();
    ObjectId tree = index.writeTree(inserter);
    String key =
        changeKey != null
            ? changeKey
            : "I" + ChangeIdUtil.computeChangeId(tree, tip, ident, ident, message).name();
    CommitBuilder cb = new CommitBuilder();
    cb.setTreeId(tree);
    cb.setParentId(tip);
    cb.setAuthor(ident);
    cb.setCommitter(ident);
    cb.setMessage(message + "Change-Id: " + key + "\n");
    return inserter.insert(cb);
  }

  /**
   * The link to write at {@code path}: {@code image} as the reference, keeping the accepted
   * variants the branch's link lists, as the workflow's {@code --update} does. A missing or
   * unreadable link on the branch gives the reference alone, as UIVeri5 writes it.
   */
  private static LnkFile.Links keptVariants(
      ObjectReader reader, RevTree tree, String path, ImageId image) throws IOException {
    try (TreeWalk tw = TreeWalk.forPath(reader, path, tree)) {
      if (tw == null || !FileMode.REGULAR_FILE.equals(tw.getRawMode(0))) {
        return LnkFile.Links.of(image);
      }
      ObjectLoader blob = reader.open(tw.getObjectId(0));
      if (blob.getSize() > LnkFile.MAX_SIZE) {
        return LnkFile.Links.of(image);
      }
      return LnkFile.parseLinks(blob.getCachedBytes()).withReference(image);
    } catch (LnkFile.MalformedLnkException e) {
      return LnkFile.Links.of(image);
    }
  }

  private static String message(CentralReviewInput in, String branch) {
    String subject =
        in.message != null && !in.message.isBlank()
            ? in.message.strip()
            : "Update screenshots of " + in.test + " on " + in.runtime;
    return subject
        + "\n\nRecorded by the central visual-test job for "
        + RefNames.shortName(branch)
        + ".\n\n"
        + FOOTER
        + ": "
        + in.test
        + " "
        + in.runtime
        + "\n";
  }

  /**
   * Adds {@code responsible}, or else the author of the branch's last commit that touched the
   * test's screenshots. Never fails the call: a problem is reported in the answer.
   */
  private void addReviewer(
      CentralReviewInfo info,
      Project.NameKey project,
      Repository repo,
      RevCommit tip,
      CentralReviewInput in,
      Map<String, ImageId> images,
      IdentifiedUser me) {
    String reviewer = in.responsible;
    try {
      if (reviewer == null || reviewer.isBlank()) {
        reviewer = lastAuthor(repo, tip, in.test, images);
        if (reviewer == null) {
          info.reviewerError =
              "no earlier commit on the branch touched the screenshots of " + in.test;
          return;
        }
        if (me.getEmailAddresses().contains(reviewer)) {
          info.reviewerError = "the last author of " + in.test + " is the caller";
          return;
        }
      }
      ReviewerInput input = new ReviewerInput();
      input.reviewer = reviewer.strip();
      // Retried on lock failures: the plugin's own previews comment may be updating the change.
      ReviewerResult result =
          retries
              .changeUpdate(
                  "imagestore-central-reviewer",
                  () -> gApi.changes().id(project.get(), info.number).addReviewer(input))
              .call();
      if (result.error != null) {
        info.reviewerError = result.error;
      } else {
        info.reviewer = input.reviewer;
      }
    } catch (Exception e) {
      logger.atWarning().withCause(e).log("adding %s to change %d", reviewer, info.number);
      info.reviewerError = "could not add " + reviewer + ": " + e.getMessage();
    }
  }

  /** E-mail of the author of the last commit that touched the directories of these links. */
  private static String lastAuthor(
      Repository repo, RevCommit tip, String test, Map<String, ImageId> images) throws IOException {
    TreeSet<String> dirs = new TreeSet<>();
    String marker = "images/" + test + "/";
    for (String path : images.keySet()) {
      int at = path.indexOf(marker);
      dirs.add(at >= 0 ? path.substring(0, at + marker.length() - 1) : path);
    }
    try (RevWalk rw = new RevWalk(repo)) {
      rw.setTreeFilter(
          AndTreeFilter.create(PathFilterGroup.createFromStrings(dirs), TreeFilter.ANY_DIFF));
      rw.markStart(rw.parseCommit(tip));
      RevCommit last = rw.next();
      return last == null ? null : last.getAuthorIdent().getEmailAddress();
    }
  }
}
