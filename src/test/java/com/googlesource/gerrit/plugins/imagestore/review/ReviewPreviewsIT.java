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
import static org.junit.Assert.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.gerrit.acceptance.GitUtil;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.extensions.client.ListChangesOption;
import com.google.gerrit.extensions.common.ChangeMessageInfo;
import com.google.gerrit.extensions.common.SubmitRequirementResultInfo;
import com.google.gerrit.extensions.restapi.ResourceConflictException;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.commonmark.node.BulletList;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.junit.Test;

/**
 * Review previews against a real image service: the patch-set comment and its links, the previews
 * endpoint, and the merge gate.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class ReviewPreviewsIT extends ImagestoreTestBase {
  private static final Pattern LINK = Pattern.compile("\\]\\((https?://[^)\\s]+)\\)");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  public void aPatchSetGetsOneCommentWithWorkingLinksAndTheGateHoldsMissingImages()
      throws Exception {
    BufferedImage form = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    fill(form, 0, 0, 40, 30, 0xd0d0d0);
    ImageId reference = upload(encode(form));
    fill(form, 10, 10, 5, 5, 0x2040c0);
    ImageId changed = upload(encode(form));
    ImageId added = upload(greyPng(20, 20, 0x10));
    ImageId deleted = upload(greyPng(20, 20, 0x20));
    ImageId notUploaded = ImageId.forContent("not uploaded yet".getBytes(StandardCharsets.UTF_8));
    byte[] lateBytes = greyPng(20, 20, 0x30);
    ImageId late = ImageId.forContent(lateBytes);

    push(
        "refs/heads/master",
        ImmutableMap.of(
            LNK_DIR + "form.ref.lnk",
            LnkFile.format(reference),
            LNK_DIR + "old.ref.lnk",
            LnkFile.format(deleted),
            "README.md",
            "base"));

    // Patch set 1: one of each kind, one link to an image not uploaded, one broken link.
    RevCommit ps1 =
        testRepo
            .branch("HEAD")
            .commit()
            .insertChangeId()
            .message("Re-record the login screenshots")
            .add(LNK_DIR + "form.ref.lnk", LnkFile.format(changed))
            .add(LNK_DIR + "new.ref.lnk", LnkFile.format(added))
            .add(LNK_DIR + "late.ref.lnk", LnkFile.format(late))
            .add(LNK_DIR + "broken.ref.lnk", "uuid=nonsense")
            .rm(LNK_DIR + "old.ref.lnk")
            .create();
    pushForReview();
    String changeId = GitUtil.getChangeId(testRepo, ps1).orElseThrow();

    ChangeMessageInfo comment = waitForComment(changeId, 1);
    assertThat(comment.message)
        .contains("5 images changed: 1 modified (1 failing), 3 added, 1 deleted");
    assertThat(comment.message).contains("1 missing in the image service");
    assertThat(comment.message).contains("1 link does not parse");
    assertThat(comment.message).contains("the image service does not have image " + late);
    assertThat(comment.message).contains("25 pixels differ");
    assertThat(comment.message).contains("` login/form ` (` linux · 1600x1200 · chrome");
    // Problems first, then the failing change, then added, then deleted.
    assertThat(comment.message.indexOf("broken.ref.lnk"))
        .isLessThan(comment.message.indexOf("form.ref.lnk"));
    assertThat(comment.message.indexOf("form.ref.lnk"))
        .isLessThan(comment.message.indexOf("new.ref.lnk"));
    assertThat(comment.message.indexOf("new.ref.lnk"))
        .isLessThan(comment.message.indexOf("old.ref.lnk"));
    // Every link works: reference, new and diff of the form, the new image, the deleted one.
    List<String> links = links(comment.message);
    assertThat(links)
        .containsAtLeast(
            service.url().resolve("images/" + reference).toString(),
            service.url().resolve("images/" + changed).toString(),
            service.url().resolve("images/" + added).toString(),
            service.url().resolve("images/" + deleted).toString(),
            service.url().resolve("diff/" + reference + "/" + changed).toString());
    for (String link : links) {
      assertIsPng(link);
    }

    // The same list as JSON.
    JsonObject previews = previews(changeId, 1);
    assertThat(previews.get("patch_set").getAsInt()).isEqualTo(1);
    JsonObject counts = previews.getAsJsonObject("counts");
    assertThat(counts.get("added").getAsInt()).isEqualTo(3);
    assertThat(counts.get("modified").getAsInt()).isEqualTo(1);
    assertThat(counts.get("deleted").getAsInt()).isEqualTo(1);
    assertThat(counts.get("missing").getAsInt()).isEqualTo(1);
    assertThat(counts.get("invalid").getAsInt()).isEqualTo(1);
    JsonObject formPreview = image(previews, LNK_DIR + "form.ref.lnk");
    assertThat(formPreview.get("status").getAsString()).isEqualTo("modified");
    assertThat(formPreview.getAsJsonObject("runtime").get("browser").getAsString())
        .isEqualTo("chrome");
    assertThat(formPreview.getAsJsonObject("reference").get("uuid").getAsString())
        .isEqualTo(reference.value());
    assertThat(formPreview.getAsJsonObject("new").get("uuid").getAsString())
        .isEqualTo(changed.value());
    JsonObject diff = formPreview.getAsJsonObject("diff");
    assertThat(diff.get("mismatched_pixels").getAsLong()).isEqualTo(25);
    assertThat(diff.get("passed").getAsBoolean()).isFalse();
    assertIsJson(diff.get("info_url").getAsString());
    JsonObject latePreview = image(previews, LNK_DIR + "late.ref.lnk");
    assertThat(latePreview.getAsJsonObject("new").get("missing").getAsBoolean()).isTrue();
    assertThat(image(previews, LNK_DIR + "broken.ref.lnk").get("problem").getAsString())
        .contains("uuid=");
    assertThat(image(previews, LNK_DIR + "old.ref.lnk").has("new")).isFalse();

    // The merge gate holds the change and names the files.
    approve(changeId);
    SubmitRequirementResultInfo gate = gate(changeId);
    assertThat(gate.status).isEqualTo(SubmitRequirementResultInfo.Status.UNSATISFIED);
    assertThat(gate.submittabilityExpressionResult.errorMessage).contains("late.ref.lnk");
    assertThat(gate.submittabilityExpressionResult.errorMessage).contains("broken.ref.lnk");
    ResourceConflictException refused =
        assertThrows(
            ResourceConflictException.class, () -> gApi.changes().id(changeId).current().submit());
    assertThat(refused).hasMessageThat().contains(ImagesAvailableRule.NAME);

    // Patch set 2 fixes the link and the image is uploaded: a new comment, and the gate opens.
    assertThat(upload(lateBytes)).isEqualTo(late);
    testRepo.amendRef("HEAD").add(LNK_DIR + "broken.ref.lnk", LnkFile.format(added)).create();
    pushForReview();
    ChangeMessageInfo second = waitForComment(changeId, 2);
    assertThat(second.message).doesNotContain("does not parse");
    assertThat(second.message).doesNotContain("does not have");

    // A rebase onto an unrelated change of master keeps the link changes: no third comment.
    testRepo.reset("HEAD~1");
    push("refs/heads/master", ImmutableMap.of("README.md", "unrelated"));
    gApi.changes().id(changeId).rebase();
    waitForOutbox();
    assertThat(comments(changeId).stream().map(m -> m._revisionNumber).toList())
        .containsExactly(1, 2);

    approve(changeId);
    assertThat(gate(changeId).status).isEqualTo(SubmitRequirementResultInfo.Status.SATISFIED);
    gApi.changes().id(changeId).current().submit();
  }

  @Test
  public void hostileFileNamesCannotShapeTheComment() throws Exception {
    ImageId image = upload(greyPng(8, 8, 0x40));
    List<String> names =
        List.of(
            "x`\n\n**Code-Review+2** verified, safe to submit [details](http:/evil.example/x)\n\n`y",
            "<img src=x onerror=alert(1)> @admin@example.com www.evil.com/x",
            "![image](https:evil.example/x.png) ``` - item",
            "bidi\u202Egnp\r\n# heading");
    var commit = testRepo.branch("HEAD").commit().insertChangeId().message("Hostile names");
    for (String name : names) {
      commit.add(LNK_DIR + name + ".ref.lnk", LnkFile.format(image));
    }
    RevCommit created = commit.create();
    pushForReview();
    String changeId = GitUtil.getChangeId(testRepo, created).orElseThrow();

    String markdown = waitForComment(changeId, 1).message;
    Node doc = CommentMarkdown.parse(markdown);
    List<Node> forbidden =
        CommentMarkdown.descendants(doc).stream()
            .filter(
                n ->
                    n instanceof Image
                        || n instanceof HtmlInline
                        || n instanceof HtmlBlock
                        || n instanceof Heading)
            .toList();
    List<BulletList> lists = CommentMarkdown.all(doc, BulletList.class);
    List<String> links =
        CommentMarkdown.all(doc, Link.class).stream().map(Link::getDestination).toList();
    assertWithMessage(markdown).that(forbidden).isEmpty();
    assertWithMessage(markdown).that(lists).hasSize(1);
    int items = 0;
    for (Node item = lists.get(0).getFirstChild(); item != null; item = item.getNext()) {
      items++;
      assertWithMessage(markdown).that(item.getFirstChild().getNext()).isNull();
    }
    assertWithMessage(markdown).that(items).isEqualTo(names.size());
    assertWithMessage(markdown)
        .that(links)
        .containsExactlyElementsIn(
            names.stream().map(n -> service.url().resolve("images/" + image).toString()).toList());
    assertWithMessage(markdown).that(markdown).doesNotContain("\n\n**Code-Review+2**");
  }

  @Test
  public void patchSetsWithoutLinkChangesGetNoComment() throws Exception {
    String changeId = createChange("README only", "README.md", "no screenshots here").getChangeId();
    waitForOutbox();
    assertThat(comments(changeId)).isEmpty();
    JsonObject previews = previews(changeId, 1);
    assertThat(previews.getAsJsonArray("images")).isEmpty();
    // Nothing for the gate to hold.
    assertThat(gate(changeId).status).isEqualTo(SubmitRequirementResultInfo.Status.SATISFIED);
  }

  @Test
  public void theGateCanBeTurnedOffPerProject() throws Exception {
    try (ProjectConfigUpdate u = updateProject(project)) {
      u.getConfig().updatePluginConfig("imagestore", c -> c.setBoolean("mergeGate", false));
      u.save();
    }
    ImageId never = ImageId.forContent("never".getBytes(StandardCharsets.UTF_8));
    String changeId =
        createChange("link", LNK_DIR + "x.ref.lnk", LnkFile.format(never)).getChangeId();
    assertThat(
            gApi
                .changes()
                .id(changeId)
                .get(ListChangesOption.SUBMIT_REQUIREMENTS)
                .submitRequirements
                .stream()
                .map(r -> r.name))
        .doesNotContain(ImagesAvailableRule.NAME);
  }

  private void pushForReview() throws Exception {
    PushResult r = GitUtil.pushHead(testRepo, "refs/for/master", false);
    RemoteRefUpdate u = r.getRemoteUpdate("refs/for/master");
    assertWithMessage(r.getMessages()).that(u.getStatus()).isEqualTo(RemoteRefUpdate.Status.OK);
  }

  private List<ChangeMessageInfo> comments(String changeId) throws Exception {
    return gApi.changes().id(changeId).messages().stream()
        .filter(m -> PreviewComment.TAG.equals(m.tag))
        .toList();
  }

  private ChangeMessageInfo waitForComment(String changeId, int patchSet) throws Exception {
    waitFor(
        "the previews comment on patch set " + patchSet,
        () -> comments(changeId).stream().anyMatch(m -> m._revisionNumber == patchSet));
    List<ChangeMessageInfo> onPatchSet =
        comments(changeId).stream().filter(m -> m._revisionNumber == patchSet).toList();
    assertThat(onPatchSet).hasSize(1);
    return onPatchSet.get(0);
  }

  private static List<String> links(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher m = LINK.matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private void assertIsPng(String url) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertWithMessage(url).that(r.statusCode()).isEqualTo(200);
    assertWithMessage(url).that(ImageIO.read(new ByteArrayInputStream(r.body()))).isNotNull();
  }

  private void assertIsJson(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertWithMessage(url).that(r.statusCode()).isEqualTo(200);
    assertThat(JsonParser.parseString(r.body()).getAsJsonObject().has("passed")).isTrue();
  }

  private static void fill(BufferedImage img, int x0, int y0, int w, int h, int rgb) {
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
  }
}
