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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.allowCapability;
import static com.google.gerrit.acceptance.testsuite.project.TestProjectUpdate.block;

import com.google.common.collect.ImmutableMap;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.RestSession;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.entities.Permission;
import com.google.gerrit.extensions.client.ListChangesOption;
import com.google.gerrit.extensions.common.AccountInfo;
import com.google.gerrit.extensions.common.ChangeInfo;
import com.google.gerrit.extensions.restapi.IdString;
import com.google.gerrit.server.group.SystemGroupBackend;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;

/** The central job's review call against a real image service and Gerrit. */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class CentralReviewIT extends ImagestoreTestBase {
  private static final String RUNTIME = "linux/1600x1200/chrome/sap_fiori_3/ltr/default";
  private static final String FORM = LNK_DIR + "form.ref.lnk";

  private ImageId first;
  private ImageId second;

  @Before
  public void recordedByUser() throws Exception {
    first = upload(greyPng(8, 8, 0x11));
    second = upload(greyPng(8, 8, 0x22));
    // The screenshots of "login" were last recorded by `user`: the default reviewer.
    pushFactory
        .create(user.newIdent(), testRepo, "login screenshots", FORM, "uuid=" + "0".repeat(32))
        .to("refs/heads/master")
        .assertOkStatus();
  }

  private CentralReviewInput input(String runtime, ImageId image) {
    CentralReviewInput in = new CentralReviewInput();
    in.branch = "master";
    in.test = "login";
    in.runtime = runtime;
    in.images = Map.of("images/login/" + runtime + "/form.ref.lnk", image.value());
    return in;
  }

  private RestResponse call(RestSession session, CentralReviewInput in) throws Exception {
    return session.post(
        "/projects/" + IdString.fromDecoded(project.get()).encoded() + "/imagestore~reviews", in);
  }

  private CentralReviewInfo ok(RestSession session, CentralReviewInput in, int status)
      throws Exception {
    RestResponse r = call(session, in);
    assertWithMessage(r.getEntityContent()).that(r.getStatusCode()).isEqualTo(status);
    return Json.gson().fromJson(r.getReader(), CentralReviewInfo.class);
  }

  private String lnkInChange(int number) throws Exception {
    return gApi.changes().id(project.get(), number).current().file(FORM).content().asString();
  }

  @Test
  public void theCallCreatesThenUpdatesOneChangePerTestRuntimeAndCaller() throws Exception {
    CentralReviewInfo created = ok(adminRestSession, input(RUNTIME, first), 201);
    assertThat(created.created).isTrue();
    assertThat(created.patchSet).isEqualTo(1);
    assertThat(created.changeId).startsWith("I");
    assertThat(created.url).contains("/" + created.number);
    assertWithMessage(Json.gson().toJson(created)).that(created.reviewer).isEqualTo(user.email());
    assertThat(created.reviewerError).isNull();
    assertThat(lnkInChange(created.number)).isEqualTo(LnkFile.format(first));
    ChangeInfo change =
        gApi.changes().id(project.get(), created.number).get(ListChangesOption.DETAILED_ACCOUNTS);
    assertThat(change.owner._accountId).isEqualTo(admin.id().get());
    assertThat(
            gApi.changes().id(project.get(), created.number).reviewers().stream().map(a -> a.email))
        .contains(user.email());
    assertThat(change.topic).startsWith(CentralReviews.TOPIC_PREFIX);
    assertThat(gApi.changes().id(project.get(), created.number).current().commit(false).message)
        .contains(CentralReviews.FOOTER + ": login " + RUNTIME);

    // The same key again with a new image: patch set 2 of the same change.
    CentralReviewInfo updated = ok(adminRestSession, input(RUNTIME, second), 200);
    assertThat(updated.created).isFalse();
    assertThat(updated.unchanged).isFalse();
    assertThat(updated.number).isEqualTo(created.number);
    assertThat(updated.patchSet).isEqualTo(2);
    assertThat(lnkInChange(created.number)).isEqualTo(LnkFile.format(second));

    // Nothing new: no patch set 3.
    CentralReviewInfo same = ok(adminRestSession, input(RUNTIME, second), 200);
    assertThat(same.unchanged).isTrue();
    assertThat(same.number).isEqualTo(created.number);
    assertThat(same.patchSet).isEqualTo(2);
    assertThat(gApi.changes().id(project.get(), created.number).get().currentRevisionNumber)
        .isEqualTo(2);

    // Another runtime is another change.
    CentralReviewInfo otherRuntime =
        ok(adminRestSession, input("linux/1600x1200/firefox/sap_fiori_3/ltr/default", first), 201);
    assertThat(otherRuntime.number).isNotEqualTo(created.number);

    // Another caller (granted the capability) gets a change of its own, and an explicit reviewer.
    projectOperations
        .allProjectsForUpdate()
        .add(allowCapability("imagestore-centralUpload").group(SystemGroupBackend.REGISTERED_USERS))
        .update();
    CentralReviewInput byUser = input(RUNTIME, first);
    byUser.responsible = admin.username();
    CentralReviewInfo other = ok(userRestSession, byUser, 201);
    assertThat(other.number).isNotEqualTo(created.number);
    assertWithMessage(other.reviewerError).that(other.reviewer).isEqualTo(admin.username());
    AccountInfo owner = gApi.changes().id(project.get(), other.number).get().owner;
    assertThat(owner._accountId).isEqualTo(user.id().get());
  }

  @Test
  public void theNewReferenceKeepsTheVariantsTheBranchsLinkLists() throws Exception {
    ImageId variant = upload(greyPng(8, 8, 0x33));
    pushFactory
        .create(
            admin.newIdent(),
            testRepo,
            "accept a variant",
            FORM,
            LnkFile.format(new LnkFile.Links(first, List.of(variant))))
        .to("refs/heads/master")
        .assertOkStatus();

    CentralReviewInfo created = ok(adminRestSession, input(RUNTIME, second), 201);

    // The reference is replaced, the accepted variant stays, as the workflow's --update does.
    assertThat(lnkInChange(created.number))
        .isEqualTo(LnkFile.format(new LnkFile.Links(second, List.of(variant))));
  }

  @Test
  public void nothingNewOnTheBranchMakesNoChange() throws Exception {
    // The branch's link already names the image (which the service has, or the call would fail).
    CentralReviewInput in = input(RUNTIME, first);
    pushFactory
        .create(admin.newIdent(), testRepo, "set", FORM, LnkFile.format(first))
        .to("refs/heads/master")
        .assertOkStatus();
    CentralReviewInfo info = ok(adminRestSession, in, 200);
    assertThat(info.unchanged).isTrue();
    assertThat(info.number).isEqualTo(0);
    assertThat(gApi.changes().query("project:" + project.get()).get()).isEmpty();
  }

  @Test
  public void callersWhoCannotReadTheBranchAreRefused() throws Exception {
    projectOperations
        .allProjectsForUpdate()
        .add(allowCapability("imagestore-centralUpload").group(SystemGroupBackend.REGISTERED_USERS))
        .update();
    projectOperations
        .project(project)
        .forUpdate()
        .add(
            block(Permission.READ)
                .ref("refs/heads/master")
                .group(SystemGroupBackend.REGISTERED_USERS))
        .update();
    RestResponse r = call(userRestSession, input(RUNTIME, first));
    assertWithMessage(r.getEntityContent()).that(r.getStatusCode()).isAnyOf(403, 404);
    assertThat(gApi.changes().query("project:" + project.get()).get()).isEmpty();
  }

  @Test
  public void badCallsAreRefused() throws Exception {
    ImageId missing = ImageId.forContent("never uploaded".getBytes(StandardCharsets.UTF_8));
    RestResponse r = call(adminRestSession, input(RUNTIME, missing));
    r.assertConflict();
    assertThat(r.getEntityContent()).contains(missing.value());

    // Without the capability.
    call(userRestSession, input(RUNTIME, first)).assertForbidden();

    // Only link files of the test and runtime, below the images tree: never code, never .git.
    for (String path :
        List.of(
            "src/app.js",
            "../escape.ref.lnk",
            LNK_DIR + "../../../../../../../../src/app.lnk",
            ".git/hooks/" + LNK_DIR + "form.ref.lnk",
            "/" + FORM,
            "a\\b/" + FORM,
            LNK_DIR + "form\n.ref.lnk",
            LNK_DIR + "form.ref.js",
            "images/other/linux/1600x1200/chrome/sap_fiori_3/ltr/default/form.ref.lnk")) {
      CentralReviewInput badPath = input(RUNTIME, first);
      badPath.images = ImmutableMap.of(path, first.value());
      call(adminRestSession, badPath).assertBadRequest();
    }
    assertThat(gApi.changes().query("project:" + project.get()).get()).isEmpty();
    CentralReviewInput badRuntime = input("chrome", first);
    call(adminRestSession, badRuntime).assertBadRequest();
    CentralReviewInput badId = input(RUNTIME, first);
    badId.images = ImmutableMap.of(FORM, "uuid");
    call(adminRestSession, badId).assertBadRequest();
    CentralReviewInput untracked = input(RUNTIME, first);
    untracked.branch = "feature";
    call(adminRestSession, untracked).assertBadRequest();
  }
}
