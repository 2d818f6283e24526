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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.common.collect.ImmutableMap;
import com.google.gerrit.acceptance.GitUtil;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.extensions.common.ChangeMessageInfo;
import com.google.gerrit.extensions.common.SubmitRequirementResultInfo;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.junit.Test;

/**
 * Accepted variants ({@code alt=} lines) in review: the previews endpoint and the comment list
 * them, marking the ones the image service lacks, and the merge gate requires every one of them.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class VariantsReviewIT extends ImagestoreTestBase {

  @Test
  public void previewsAndTheCommentListVariantsAndTheGateRequiresThemAll() throws Exception {
    ImageId reference = upload(login(0x0a6ed1, false, "Sign in"));
    ImageId newReference = upload(login(0x0a6ed1, false, "Log on"));
    // Two renderings the browser produces on some runs: a focus ring, another accent colour.
    ImageId focused = upload(login(0x0a6ed1, true, "Log on"));
    byte[] otherAccent = login(0x107e3e, false, "Log on");
    ImageId notYetUploaded = ImageId.forContent(otherAccent);
    push(
        "refs/heads/master",
        ImmutableMap.of(
            LNK_DIR + "login.ref.lnk",
            LnkFile.format(reference),
            LNK_DIR + "caret.ref.lnk",
            LnkFile.format(reference)));

    // login: a new reference and two variants, one not uploaded; caret: one variant more.
    RevCommit ps1 =
        testRepo
            .branch("HEAD")
            .commit()
            .insertChangeId()
            .message("Accept the focus ring and the other accent")
            .add(
                LNK_DIR + "login.ref.lnk",
                LnkFile.format(new Links(newReference, List.of(focused, notYetUploaded))))
            .add(LNK_DIR + "caret.ref.lnk", LnkFile.format(new Links(reference, List.of(focused))))
            .create();
    pushForReview();
    String changeId = GitUtil.getChangeId(testRepo, ps1).orElseThrow();

    JsonObject previews = previews(changeId, 1);
    assertThat(previews.getAsJsonObject("counts").get("missing").getAsInt()).isEqualTo(1);
    assertThat(previews.getAsJsonObject("counts").get("modified").getAsInt()).isEqualTo(2);
    JsonObject login = image(previews, LNK_DIR + "login.ref.lnk");
    assertThat(login.getAsJsonObject("new").get("uuid").getAsString())
        .isEqualTo(newReference.value());
    JsonArray variants = login.getAsJsonArray("variants");
    assertThat(variants).hasSize(2);
    assertThat(variants.get(0).getAsJsonObject().get("uuid").getAsString())
        .isEqualTo(focused.value());
    assertThat(variants.get(0).getAsJsonObject().get("missing").getAsBoolean()).isFalse();
    assertThat(variants.get(0).getAsJsonObject().get("url").getAsString())
        .isEqualTo(service.url().resolve("images/" + focused).toString());
    assertThat(variants.get(1).getAsJsonObject().get("uuid").getAsString())
        .isEqualTo(notYetUploaded.value());
    assertThat(variants.get(1).getAsJsonObject().get("missing").getAsBoolean()).isTrue();
    // A missing variant is a problem: listed first.
    assertThat(previews.getAsJsonArray("images").get(0).getAsJsonObject().get("path").getAsString())
        .isEqualTo(LNK_DIR + "login.ref.lnk");
    // Only a variant added: the same reference, no diff to compute.
    JsonObject caret = image(previews, LNK_DIR + "caret.ref.lnk");
    assertThat(caret.get("status").getAsString()).isEqualTo("modified");
    assertThat(caret.has("diff")).isFalse();
    assertThat(caret.getAsJsonArray("variants")).hasSize(1);

    ChangeMessageInfo comment = waitForComment(changeId);
    assertThat(comment.message).contains("1 missing in the image service");
    assertThat(comment.message)
        .contains("[variant 1](" + service.url().resolve("images/" + focused) + ")");
    assertThat(comment.message).contains("variant 2 (missing)");
    assertThat(comment.message)
        .contains("**the image service does not have variant ` " + notYetUploaded + " `**");
    assertThat(comment.message).contains("variants changed (same reference)");

    // The gate holds the change while a listed variant is missing, and names it.
    approve(changeId);
    SubmitRequirementResultInfo gate = gate(changeId);
    assertThat(gate.status).isEqualTo(SubmitRequirementResultInfo.Status.UNSATISFIED);
    assertThat(gate.submittabilityExpressionResult.errorMessage).contains("login.ref.lnk");
    assertThat(gate.submittabilityExpressionResult.errorMessage)
        .contains("variant " + notYetUploaded + " not uploaded");
    assertThat(gate.submittabilityExpressionResult.errorMessage).doesNotContain("caret.ref.lnk");

    // Uploaded: the gate opens and the change merges.
    assertThat(upload(otherAccent)).isEqualTo(notYetUploaded);
    testRepo.amendRef("HEAD").add("README.md", "variants accepted").create();
    pushForReview();
    approve(changeId);
    assertWithMessage(gateAnswer(changeId).toString())
        .that(gate(changeId).status)
        .isEqualTo(SubmitRequirementResultInfo.Status.SATISFIED);
    gApi.changes().id(changeId).current().submit();
  }

  /** A login form as a browser renders it: a shell bar, a title, two fields and a button. */
  private static byte[] login(int accent, boolean focusRing, String button) throws Exception {
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(0xf5f6f7));
    g.fillRect(0, 0, 320, 200);
    g.setColor(new Color(0x354a5f));
    g.fillRect(0, 0, 320, 28);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.drawString("Fiori Launchpad", 10, 19);
    g.setColor(new Color(0x32363a));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    g.drawString("Welcome back", 20, 52);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i < 2; i++) {
      int y = 64 + i * 40;
      g.setColor(new Color(0x6a6d70));
      g.drawString(i == 0 ? "User" : "Password", 20, y + 8);
      g.setColor(Color.WHITE);
      g.fillRect(20, y + 12, 200, 20);
      g.setColor(new Color(0x89919a));
      g.drawRect(20, y + 12, 200, 20);
    }
    if (focusRing) {
      g.setColor(Color.BLACK);
      g.setStroke(
          new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {2}, 0));
      g.drawRect(17, 73, 206, 26);
    }
    g.setColor(new Color(accent));
    g.fillRoundRect(20, 152, 90, 26, 8, 8);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.drawString(button, 38, 169);
    g.dispose();
    return encode(img);
  }

  private void pushForReview() throws Exception {
    PushResult r = GitUtil.pushHead(testRepo, "refs/for/master", false);
    RemoteRefUpdate u = r.getRemoteUpdate("refs/for/master");
    assertWithMessage(r.getMessages()).that(u.getStatus()).isEqualTo(RemoteRefUpdate.Status.OK);
  }

  private ChangeMessageInfo waitForComment(String changeId) throws Exception {
    waitFor(
        "the previews comment",
        () ->
            gApi.changes().id(changeId).messages().stream()
                .anyMatch(m -> PreviewComment.TAG.equals(m.tag)));
    return gApi.changes().id(changeId).messages().stream()
        .filter(m -> PreviewComment.TAG.equals(m.tag))
        .findFirst()
        .orElseThrow();
  }
}
