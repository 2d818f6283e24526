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

import static com.google.common.truth.Truth.assertThat;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allow;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allowCapability;

import com.google.common.collect.ImmutableMap;
import com.google.gerrit.acceptance.PushOneCommit;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.acceptance.UseSsh;
import com.google.gerrit.acceptance.config.GerritConfig;
import com.google.gerrit.entities.BranchNameKey;
import com.google.gerrit.entities.Permission;
import com.google.gerrit.entities.Project;
import com.google.gerrit.extensions.api.changes.ReviewInput;
import com.google.gerrit.server.group.SystemGroupBackend;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.queue.Outbox;
import com.googlesource.gerrit.plugins.imagestore.testing.ImageServiceProcess;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.Test;

/**
 * Indexing against a real image service process: pushes, merges, branch deletion, malformed links,
 * an outage, catching up at load with what moved while the plugin was not running, an unreadable
 * job file, and who may reindex.
 */
@UseSsh
@TestPlugin(
    name = "imagestore",
    sysModule = "com.googlesource.gerrit.plugins.imagestore.Module",
    sshModule = "com.googlesource.gerrit.plugins.imagestore.ssh.SshModule")
public class IndexingIT extends ImagestoreTestBase {
  private static ImageId id(String seed) {
    return ImageId.forContent(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private List<ReferenceInfo> references(String branch) throws Exception {
    try (ImagestoreClient c = service.client(ImageServiceProcess.INDEXER)) {
      return c.listReferences(project.get(), branch);
    }
  }

  private void waitForReference(String branch, String path, ImageId id) throws Exception {
    waitFor(
        path + " -> " + id + " on " + branch,
        () ->
            references(branch).stream()
                .anyMatch(r -> r.path.equals(path) && r.uuid.equals(id.value())));
  }

  @Test
  public void pushToMasterIndexesLinksAndSkipsMalformedOnes() throws Exception {
    ImageId a = id("a");
    ImageId b = id("b");
    PushOneCommit.Result r =
        push(
            "refs/heads/master",
            ImmutableMap.of(
                LNK_DIR + "a.ref.lnk",
                LnkFile.format(a),
                LNK_DIR + "b.ref.lnk",
                LnkFile.format(b),
                LNK_DIR + "broken.ref.lnk",
                "uuid=not-an-id",
                "README.md",
                "uuid=" + id("not a link").value()));
    waitForReference("refs/heads/master", LNK_DIR + "b.ref.lnk", b);
    List<ReferenceInfo> refs = references("refs/heads/master");
    assertThat(refs.stream().map(x -> x.path).toList())
        .containsExactly(LNK_DIR + "a.ref.lnk", LNK_DIR + "b.ref.lnk");
    assertThat(refs.get(0).commit).isEqualTo(r.getCommit().name());

    // The status shows the last indexed commit of master and an empty outbox.
    JsonObject json = status();
    assertThat(json.get("enabled").getAsBoolean()).isTrue();
    assertThat(json.has("last_error")).isFalse();
    assertThat(
            json.getAsJsonObject("branches")
                .getAsJsonObject("refs/heads/master")
                .get("commit")
                .getAsString())
        .isEqualTo(r.getCommit().name());
  }

  @Test
  public void theFirstStartOnANeverIndexedSiteReconciles() throws Exception {
    // The test site is new: loading the plugin queued a full reconcile, which ran.
    waitFor("the first reconcile", () -> status().has("last_reconcile"));
  }

  /** Waits for the first start's reconcile and its jobs; returns when it was queued. */
  private String waitForFirstReconcile() throws Exception {
    waitFor("the first reconcile", () -> status().has("last_reconcile"));
    waitForOutbox();
    return status().get("last_reconcile").getAsString();
  }

  @Test
  public void branchesMovedWhileThePluginWasNotRunningAreIndexedWhenItLoads() throws Exception {
    String reconciled = waitForFirstReconcile();
    ImageId before = id("before the unload");
    ImageId onRel8 = upload(greyPng(2, 2, 0x38));
    PushOneCommit.Result master =
        push(
            "refs/heads/master",
            ImmutableMap.of(LNK_DIR + "before.ref.lnk", LnkFile.format(before)));
    push("refs/heads/rel-8", ImmutableMap.of(LNK_DIR + "rel8.ref.lnk", LnkFile.format(onRel8)));
    waitForReference("refs/heads/master", LNK_DIR + "before.ref.lnk", before);
    waitForReference("refs/heads/rel-8", LNK_DIR + "rel8.ref.lnk", onRel8);
    waitForOutbox();

    // The plugin is unloaded (as when Gerrit is down or was killed): nobody hears these moves.
    tearDownTestPlugin();
    ImageId moved = id("moved while unloaded");
    ImageId created = id("on a branch created while unloaded");
    testRepo.reset(master.getCommit());
    push("refs/heads/master", ImmutableMap.of(LNK_DIR + "moved.ref.lnk", LnkFile.format(moved)));
    push("refs/heads/rel-9", ImmutableMap.of(LNK_DIR + "created.ref.lnk", LnkFile.format(created)));
    gApi.projects().name(project.get()).branch("refs/heads/rel-8").delete();

    // Loaded again on the same data directory: it catches up at once, without a reconcile.
    setUpTestPlugin();
    waitForReference("refs/heads/master", LNK_DIR + "moved.ref.lnk", moved);
    waitForReference("refs/heads/rel-9", LNK_DIR + "created.ref.lnk", created);
    waitFor("rel-8 references dropped", () -> references("refs/heads/rel-8").isEmpty());
    try (ImagestoreClient reader = service.client(ImageServiceProcess.INDEXER)) {
      assertThat(reader.info(onRel8).orElseThrow().referenced).isFalse();
    }
    assertThat(references("refs/heads/master").stream().map(r -> r.uuid).toList())
        .containsAtLeast(before.value(), moved.value());
    waitForOutbox();
    JsonObject json = status();
    assertThat(json.get("last_reconcile").getAsString()).isEqualTo(reconciled);
    assertThat(json.getAsJsonObject("branches").keySet())
        .containsExactly("refs/heads/master", "refs/heads/rel-9");
  }

  @Test
  public void anUnreadableJobFileIsReportedAndItsBranchRescanned() throws Exception {
    String reconciled = waitForFirstReconcile();
    ImageId lost = id("lost with its job");
    push("refs/heads/master", ImmutableMap.of(LNK_DIR + "lost.ref.lnk", LnkFile.format(lost)));
    waitForReference("refs/heads/master", LNK_DIR + "lost.ref.lnk", lost);
    waitForOutbox();
    // As after a power loss before the outbox was flushed: the plugin is gone, the job that
    // reported the reference lost (the service lacks it), and its file is left empty.
    tearDownTestPlugin();
    try (ImagestoreClient indexer = service.client(ImageServiceProcess.INDEXER)) {
      indexer.replaceReferences(project.get(), "refs/heads/master", List.of());
    }
    String name =
        String.format(
            "%013d-000000-0_INDEX%%5FCOMMITS_%s_%s.json",
            System.currentTimeMillis(),
            Outbox.encode(project.get()),
            Outbox.encode("refs/heads/master"));
    Path outbox = tempDataDir.getRoot().toPath().resolve("outbox");
    Files.writeString(outbox.resolve(name), "");

    // The branch did not move, so only the empty file can bring the reference back.
    setUpTestPlugin();
    waitForReference("refs/heads/master", LNK_DIR + "lost.ref.lnk", lost);
    waitForOutbox();
    JsonObject json = status();
    assertThat(json.get("unreadable_jobs").getAsInt()).isEqualTo(1);
    assertThat(json.get("last_unreadable_job").getAsString()).contains(name);
    assertThat(json.get("last_unreadable_job").getAsString())
        .contains("rescan_branch " + project.get() + " refs/heads/master");
    assertThat(json.get("last_reconcile").getAsString()).isEqualTo(reconciled);
    assertThat(Files.exists(outbox.resolve("unreadable").resolve(name))).isTrue();
  }

  @Test
  public void pushForReviewIsNotIndexedButItsMergeIs() throws Exception {
    // Uploaded, so that the merge gate lets the change in.
    ImageId review = upload(greyPng(2, 2, 0x50));
    PushOneCommit.Result change =
        push(
            "refs/for/master", ImmutableMap.of(LNK_DIR + "review.ref.lnk", LnkFile.format(review)));
    // A later push to master is a barrier: jobs run in order, so had the review push queued
    // anything, it would have run before this one.
    ImageId barrier = id("barrier");
    testRepo.reset("HEAD~1");
    push(
        "refs/heads/master", ImmutableMap.of(LNK_DIR + "barrier.ref.lnk", LnkFile.format(barrier)));
    waitForReference("refs/heads/master", LNK_DIR + "barrier.ref.lnk", barrier);
    assertThat(references(null).stream().map(x -> x.uuid).toList()).doesNotContain(review.value());

    gApi.changes().id(change.getChangeId()).current().review(ReviewInput.approve());
    gApi.changes().id(change.getChangeId()).current().submit();
    waitForReference("refs/heads/master", LNK_DIR + "review.ref.lnk", review);
  }

  @Test
  public void deletingAReleaseBranchDropsItsReferencesAndOrphansItsImages() throws Exception {
    // Bytes no other test uses: another project referencing them would keep them referenced.
    ImageId image = upload(greyPng(2, 2, 0x40));
    push("refs/heads/master", ImmutableMap.of("README.md", "base"));
    createBranch(BranchNameKey.create(project, "rel-1"));
    push("refs/heads/rel-1", ImmutableMap.of(LNK_DIR + "rel.ref.lnk", LnkFile.format(image)));
    waitForReference("refs/heads/rel-1", LNK_DIR + "rel.ref.lnk", image);
    try (ImagestoreClient reader = service.client(ImageServiceProcess.INDEXER)) {
      assertThat(reader.info(image).map(i -> i.referenced)).hasValue(true);

      gApi.projects().name(project.get()).branch("refs/heads/rel-1").delete();
      waitFor("rel-1 references dropped", () -> references("refs/heads/rel-1").isEmpty());
      ImageInfo info = reader.info(image).orElseThrow();
      assertThat(info.referenced).isFalse();
      assertThat(info.orphanedAt).isNotNull();
    }
  }

  @Test
  public void everyVariantALinkListsIsReferencedUntilNoTrackedCommitListsIt() throws Exception {
    // Bytes no other test uses: another project referencing them would keep them referenced.
    ImageId reference = upload(greyPng(3, 2, 0x50));
    ImageId variant = upload(greyPng(3, 2, 0x58));
    String path = LNK_DIR + "variant.ref.lnk";
    RevCommit base = push("refs/heads/master", ImmutableMap.of("README.md", "base")).getCommit();
    createBranch(BranchNameKey.create(project, "rel-v"));
    push(
        "refs/heads/rel-v",
        ImmutableMap.of(path, LnkFile.format(new Links(reference, List.of(variant)))));
    waitForReference("refs/heads/rel-v", path, variant);
    try (ImagestoreClient reader = service.client(ImageServiceProcess.INDEXER)) {
      assertThat(reader.info(reference).orElseThrow().referenced).isTrue();
      ImageInfo listed = reader.info(variant).orElseThrow();
      assertThat(listed.referenced).isTrue();
      assertThat(listed.orphanedAt).isNull();

      // Dropping the alt= line in a new commit: the branch's history still lists the variant,
      // as it still names a replaced reference.
      push("refs/heads/rel-v", ImmutableMap.of(path, LnkFile.format(reference)));
      waitForOutbox();
      assertThat(reader.info(variant).orElseThrow().referenced).isTrue();

      // Rewound to a history that never listed it: the variant is an orphan, the reference not.
      projectOperations
          .project(project)
          .forUpdate()
          // Its own section: the base's non-forcing rule for refs/heads/* has the same key.
          .add(allow(Permission.PUSH).ref("refs/heads/rel-v").group(adminGroupUuid()).force(true))
          .update();
      testRepo.reset(base);
      PushOneCommit rewrite =
          pushFactory.create(
              admin.newIdent(),
              testRepo,
              "screenshots without variants",
              ImmutableMap.of(path, LnkFile.format(reference)));
      rewrite.setForce(true);
      rewrite.to("refs/heads/rel-v").assertOkStatus();
      waitFor("the variant orphaned", () -> !reader.info(variant).orElseThrow().referenced);
      ImageInfo orphan = reader.info(variant).orElseThrow();
      assertThat(orphan.orphanedAt).isNotNull();
      assertThat(reader.info(reference).orElseThrow().referenced).isTrue();
      assertThat(
              references("refs/heads/rel-v").stream()
                  .filter(r -> r.path.equals(path))
                  .map(r -> r.uuid)
                  .toList())
          .containsExactly(reference.value());
    }
  }

  @Test
  public void aPushToABranchDeletedBeforeItsJobRanReferencesNothing() throws Exception {
    ImageId image = upload(greyPng(2, 2, 0x48));
    push("refs/heads/master", ImmutableMap.of("README.md", "base"));
    createBranch(BranchNameKey.create(project, "rel-2"));
    waitForOutbox();
    try (ImagestoreClient reader = service.client(ImageServiceProcess.INDEXER)) {
      Instant orphanedAtUpload = reader.info(image).orElseThrow().orphanedAt;
      assertThat(orphanedAtUpload).isNotNull();
      // The outage holds the push's job in the outbox until the branch is gone.
      service.stop();
      try {
        push("refs/heads/rel-2", ImmutableMap.of(LNK_DIR + "rel.ref.lnk", LnkFile.format(image)));
        gApi.projects().name(project.get()).branch("refs/heads/rel-2").delete();
      } finally {
        service.restart();
      }
      waitForOutbox();
      // Had the push's job added the deleted branch's reference, if only until the deletion's
      // rescan, the image would have been referenced for a moment and orphaned anew.
      ImageInfo info = reader.info(image).orElseThrow();
      assertThat(info.referenced).isFalse();
      assertThat(info.orphanedAt).isEqualTo(orphanedAtUpload);
    }
  }

  @Test
  public void anOutageOfTheServiceLosesNoReference() throws Exception {
    ImageId during = id("during outage");
    service.stop();
    try {
      push(
          "refs/heads/master", ImmutableMap.of(LNK_DIR + "outage.ref.lnk", LnkFile.format(during)));
      // The push succeeded; the job waits in the outbox.
      waitFor(
          "a queued job",
          () -> {
            RestResponse s = adminRestSession.get(statusUrl());
            return JsonParser.parseString(s.getEntityContent())
                    .getAsJsonObject()
                    .get("outbox_depth")
                    .getAsInt()
                > 0;
          });
    } finally {
      service.restart();
    }
    waitForReference("refs/heads/master", LNK_DIR + "outage.ref.lnk", during);
  }

  @Test
  public void reindexIsForAdministratorsAndHoldersOfTheCapability() throws Exception {
    ImageId early = id("early");
    push("refs/heads/master", ImmutableMap.of(LNK_DIR + "early.ref.lnk", LnkFile.format(early)));
    waitForReference("refs/heads/master", LNK_DIR + "early.ref.lnk", early);

    String url = "/config/server/imagestore~reindex";
    userRestSession.post(url).assertForbidden();
    String denied = userSshSession.exec("imagestore reindex --project " + project.get());
    assertThat(userSshSession.getError()).contains("not permitted");
    assertThat(denied).isEmpty();

    RestResponse queued = adminRestSession.post(url, new ProjectInput(project.get()));
    queued.assertStatus(202);
    String out = adminSshSession.exec("imagestore reindex --project " + project.get());
    adminSshSession.assertSuccess();
    assertThat(out).contains("refs/heads/master: 1 references");
    assertThat(out).contains("reindexed 1 of 1 projects");

    projectOperations
        .allProjectsForUpdate()
        .add(allowCapability("imagestore-reindex").group(SystemGroupBackend.REGISTERED_USERS))
        .update();
    userRestSession.post(url, new ProjectInput(project.get())).assertStatus(202);
    assertThat(references("refs/heads/master").stream().map(r -> r.uuid).toList())
        .contains(early.value());
  }

  @Test
  @GerritConfig(name = "plugin.imagestore.orphanAutoDelete", value = "true")
  @GerritConfig(name = "plugin.imagestore.orphanGracePeriod", value = "0")
  public void aReconcileDeletesExpiredOrphansButNeverReferencedImages() throws Exception {
    byte[] keptPng = greyPng(2, 2, 0x80);
    ImageId keptId = ImageId.forContent(keptPng);
    // The reference comes first, so the kept image is referenced from its first moment: with no
    // grace period, any reconcile (the restarted server queues one) deletes unreferenced images.
    push("refs/heads/master", ImmutableMap.of(LNK_DIR + "kept.ref.lnk", LnkFile.format(keptId)));
    waitForReference("refs/heads/master", LNK_DIR + "kept.ref.lnk", keptId);
    assertThat(upload(keptPng)).isEqualTo(keptId);
    ImageId orphanId = upload(greyPng(2, 2, 0x20));

    adminRestSession.post("/config/server/imagestore~reindex").assertStatus(202);
    try (ImagestoreClient reader = service.client(ImageServiceProcess.INDEXER)) {
      waitFor("the orphan deleted", () -> !reader.exists(orphanId));
      assertThat(reader.exists(keptId)).isTrue();
      assertThat(reader.info(keptId).orElseThrow().referenced).isTrue();
    }
  }

  @Test
  @GerritConfig(name = "plugin.imagestore.scanInterval", value = "2s")
  @GerritConfig(name = "plugin.imagestore.scanStartTime", value = "00:00")
  public void theScheduleReconcilesOnItsOwn() throws Exception {
    // On a new site the plugin's start queues a reconcile; let it finish first.
    waitFor("the first reconcile", () -> status().has("last_reconcile"));
    String first = status().get("last_reconcile").getAsString();
    // The service drifts: it holds a reference no commit of the project has.
    ImageId stray = id("stray");
    try (ImagestoreClient indexer = service.client(ImageServiceProcess.INDEXER)) {
      indexer.addReferences(
          List.of(
              new ReferenceInfo(
                  project.get(),
                  "refs/heads/master",
                  "1".repeat(40),
                  LNK_DIR + "stray.ref.lnk",
                  stray.value())));
    }
    assertThat(references(null).stream().map(r -> r.uuid).toList()).contains(stray.value());
    // No push and no reindex call: only the timer can repair it.
    waitFor(
        "a scheduled reconcile to drop the stray reference",
        () -> references(null).stream().noneMatch(r -> r.uuid.equals(stray.value())));
    assertThat(status().get("last_reconcile").getAsString()).isNotEqualTo(first);
  }

  @Test
  public void aReconcileRescansEveryEnabledProjectAndLeavesTheOthersAlone() throws Exception {
    waitForFirstReconcile();
    Project.NameKey second = projectOperations.newProject().create();
    try (ProjectConfigUpdate u = updateProject(second)) {
      u.getConfig().updatePluginConfig("imagestore", c -> c.setBoolean("enabled", true));
      u.save();
    }
    Project.NameKey disabled = projectOperations.newProject().create();
    ImageId a = id("a");
    push("refs/heads/master", ImmutableMap.of(LNK_DIR + "a.ref.lnk", LnkFile.format(a)));
    waitForReference("refs/heads/master", LNK_DIR + "a.ref.lnk", a);
    // The service drifts: each project holds a reference no commit of it has.
    ImageId stray = id("stray");
    try (ImagestoreClient indexer = service.client(ImageServiceProcess.INDEXER)) {
      List<ReferenceInfo> strays = new ArrayList<>();
      for (Project.NameKey p : List.of(project, second, disabled)) {
        strays.add(
            new ReferenceInfo(
                p.get(),
                "refs/heads/master",
                "1".repeat(40),
                LNK_DIR + "s.ref.lnk",
                stray.value()));
      }
      indexer.addReferences(strays);

      adminRestSession.post("/config/server/imagestore~reindex").assertStatus(202);
      waitForOutbox();

      assertThat(uuids(indexer, project)).containsExactly(a.value());
      assertThat(uuids(indexer, second)).isEmpty();
      // Not enabled: the reconcile does not touch it.
      assertThat(uuids(indexer, disabled)).containsExactly(stray.value());
    }
    assertThat(status().has("last_error")).isFalse();
  }

  /** A new enabled project, holding a stray reference only a rescan of it drops. */
  private Project.NameKey enabledProjectWithStray(ImageId stray) throws Exception {
    Project.NameKey p = projectOperations.newProject().create();
    try (ProjectConfigUpdate u = updateProject(p)) {
      u.getConfig().updatePluginConfig("imagestore", c -> c.setBoolean("enabled", true));
      u.save();
    }
    addStray(p, stray);
    return p;
  }

  private static void addStray(Project.NameKey p, ImageId stray) throws Exception {
    try (ImagestoreClient indexer = service.client(ImageServiceProcess.INDEXER)) {
      indexer.addReferences(
          List.of(
              new ReferenceInfo(
                  p.get(),
                  "refs/heads/master",
                  "1".repeat(40),
                  LNK_DIR + "stray.ref.lnk",
                  stray.value())));
    }
  }

  private List<String> uuidsOf(Project.NameKey p) throws Exception {
    try (ImagestoreClient indexer = service.client(ImageServiceProcess.INDEXER)) {
      return uuids(indexer, p);
    }
  }

  /** The kinds of the jobs in the plugin's outbox, as their file names say. */
  private List<String> queuedKinds() throws Exception {
    try (Stream<Path> files = Files.list(tempDataDir.getRoot().toPath().resolve("outbox"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()).split("_")[1])
          .toList();
    }
  }

  private void waitForOnlyTheReconcileQueued() throws Exception {
    waitFor(
        "every job but the reconcile done", () -> queuedKinds().equals(List.of("RECONCILE%5FALL")));
  }

  /** The lock every job of a project holds, as the plugin running now has it. */
  private ProjectLocks.Held holdJobsOf(Project.NameKey p) throws Exception {
    return plugin.getSysInjector().getInstance(ProjectLocks.class).lock(p.get());
  }

  @Test
  public void aPushDuringAReconcileIsIndexedBeforeTheReconcileEnds() throws Exception {
    waitForFirstReconcile();
    ImageId stray = id("stray");
    Project.NameKey held = enabledProjectWithStray(stray);
    ImageId pushed = id("pushed during the reconcile");
    try (ProjectLocks.Held h = holdJobsOf(held)) {
      // The reconcile cannot get past this project's step until the lock is released.
      adminRestSession.post("/config/server/imagestore~reindex").assertStatus(202);
      push("refs/heads/master", ImmutableMap.of(LNK_DIR + "p.ref.lnk", LnkFile.format(pushed)));

      waitForReference("refs/heads/master", LNK_DIR + "p.ref.lnk", pushed);
      // Indexed and done while the reconcile is still queued, before it rescanned the held
      // project.
      waitForOnlyTheReconcileQueued();
      assertThat(uuidsOf(held)).containsExactly(stray.value());
    }
    waitForOutbox();
    assertThat(uuidsOf(held)).isEmpty();
    assertThat(uuidsOf(project)).containsExactly(pushed.value());
    assertThat(status().has("last_error")).isFalse();
  }

  @Test
  public void aPushAndARescanOfOneProjectTakeTurnsAndLoseNothing() throws Exception {
    waitForFirstReconcile();
    ImageId stray = id("stray");
    addStray(project, stray);
    ImageId pushed = id("pushed while the project is held");
    try (ProjectLocks.Held h = holdJobsOf(project)) {
      // Both the reconcile's step of this project and the push's job wait for the lock.
      adminRestSession.post("/config/server/imagestore~reindex").assertStatus(202);
      push("refs/heads/master", ImmutableMap.of(LNK_DIR + "p.ref.lnk", LnkFile.format(pushed)));
      waitFor(
          "the push's job and the reconcile queued",
          () -> queuedKinds().containsAll(List.of("INDEX%5FCOMMITS", "RECONCILE%5FALL")));
      assertThat(uuidsOf(project)).containsExactly(stray.value());
    }
    // Whichever ran first, the rescan dropped the stray and the push's reference stays.
    waitForOutbox();
    assertThat(uuidsOf(project)).containsExactly(pushed.value());
  }

  @Test
  public void aStopDuringAReconcileWithAPushIndexedBesideItLosesNothing() throws Exception {
    waitForFirstReconcile();
    ImageId stray = id("stray");
    Project.NameKey held = enabledProjectWithStray(stray);
    ImageId pushed = id("pushed before the stop");
    try (ProjectLocks.Held h = holdJobsOf(held)) {
      adminRestSession.post("/config/server/imagestore~reindex").assertStatus(202);
      push("refs/heads/master", ImmutableMap.of(LNK_DIR + "p.ref.lnk", LnkFile.format(pushed)));
      waitForReference("refs/heads/master", LNK_DIR + "p.ref.lnk", pushed);
      waitForOnlyTheReconcileQueued();

      // Stopped while the reconcile's step waits for the held project: the step stays queued.
      tearDownTestPlugin();
      assertThat(queuedKinds()).containsExactly("RECONCILE%5FALL");
    }
    assertThat(uuidsOf(held)).containsExactly(stray.value());

    setUpTestPlugin();
    waitForOutbox();
    assertThat(uuidsOf(held)).isEmpty();
    assertThat(uuidsOf(project)).containsExactly(pushed.value());
    assertThat(tempDataDir.getRoot().toPath().resolve("outbox/failed").toFile().list()).isEmpty();
  }

  private static List<String> uuids(ImagestoreClient c, Project.NameKey p) throws Exception {
    return c.listReferences(p.get(), null).stream().map(r -> r.uuid).toList();
  }

  /** Body of the reindex call. */
  static class ProjectInput {
    String project;

    ProjectInput(String project) {
      this.project = project;
    }
  }
}
