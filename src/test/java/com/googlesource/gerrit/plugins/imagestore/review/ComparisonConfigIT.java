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
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.testing.ImageServiceProcess;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.junit.TestRepository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.junit.Test;

/**
 * The {@code .imagestore.json} files of a patch set's tree decide how the review compares its
 * screenshots, against a real image service: ignore regions, tolerances from a parent directory
 * overridden key by key by a nearer file, and invalid files reported in the comment and the
 * previews.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class ComparisonConfigIT extends ImagestoreTestBase {
  private static final String FORM = LNK_DIR + "form.ref.lnk";
  private static final String OTHER_RUNTIME =
      "images/login/linux/1600x1200/firefox/sap_fiori_3/ltr/default/form.ref.lnk";

  /** Where the page draws its clock: the region a team would ignore. */
  private static final int[] CLOCK = {250, 4, 66, 28};

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  public void ignoringTheClockMakesADiffThatWouldFailPass() throws Exception {
    ImageId before = upload(encode(page("09:58", false)));
    ImageId after = upload(encode(page("10:42", false)));
    // Without configuration the clock alone fails the screenshot.
    try (ImagestoreClient client = service.client(ImageServiceProcess.UPLOADER)) {
      DiffInfo plain = client.diffInfo(before, after).orElseThrow();
      assertThat(plain.mismatchedPixels).isGreaterThan(64);
      assertThat(plain.passed).isFalse();
    }
    push("refs/heads/master", ImmutableMap.of(FORM, LnkFile.format(before)));

    String config =
        String.format(
            "{\"ignore\": [{\"images\": \"form\", \"regions\": [{\"x\": %d, \"y\": %d,"
                + " \"width\": %d, \"height\": %d}]}]}",
            CLOCK[0], CLOCK[1], CLOCK[2], CLOCK[3]);
    String changeId =
        pushChange(
            "New clock",
            ImmutableMap.of(FORM, LnkFile.format(after), "images/.imagestore.json", config));

    String comment = waitForComment(changeId, 1).message;
    assertThat(comment).contains("passes; 1 region ignored (");
    assertThat(comment).doesNotContain("fails");
    JsonObject diff = image(previews(changeId, 1), FORM).getAsJsonObject("diff");
    assertThat(diff.get("passed").getAsBoolean()).isTrue();
    assertThat(diff.get("mismatched_pixels").getAsLong()).isEqualTo(0);
    JsonObject region = diff.getAsJsonArray("ignore").get(0).getAsJsonObject();
    assertThat(List.of(region.get("x"), region.get("y"), region.get("width"), region.get("height")))
        .containsExactly(
            new com.google.gson.JsonPrimitive(CLOCK[0]),
            new com.google.gson.JsonPrimitive(CLOCK[1]),
            new com.google.gson.JsonPrimitive(CLOCK[2]),
            new com.google.gson.JsonPrimitive(CLOCK[3]))
        .inOrder();
    assertThat(diff.get("ignored_pixels").getAsLong()).isEqualTo((long) CLOCK[2] * CLOCK[3]);
    // The links a reviewer follows compare the same way.
    String ignore = "ignore=" + CLOCK[0] + "," + CLOCK[1] + "," + CLOCK[2] + "," + CLOCK[3];
    assertThat(decoded(diff.get("url").getAsString())).contains(ignore);
    assertThat(decoded(diff.get("info_url").getAsString())).contains(ignore);
    assertThat(get(diff.get("url").getAsString()).statusCode()).isEqualTo(200);
    JsonObject info =
        JsonParser.parseString(get(diff.get("info_url").getAsString()).body()).getAsJsonObject();
    assertThat(info.get("passed").getAsBoolean()).isTrue();
  }

  @Test
  public void aParentFileAppliesAndANearerOneOverridesItKeyByKey() throws Exception {
    ImageId before = upload(encode(page("09:58", false)));
    ImageId after = upload(encode(page("09:58", true)));
    push(
        "refs/heads/master",
        ImmutableMap.of(FORM, LnkFile.format(before), OTHER_RUNTIME, LnkFile.format(before)));

    // A 10x10 badge: 100 pixels, over the default rule's 0.1 % (64 pixels of 320x200).
    String changeId =
        pushChange(
            "Badge",
            ImmutableMap.of(
                FORM,
                LnkFile.format(after),
                OTHER_RUNTIME,
                LnkFile.format(after),
                "images/login/.imagestore.json",
                "{\"maxMismatchPercentage\": 1, \"maxMismatchedPixels\": 500, \"threshold\": 0.2}",
                LNK_DIR + ".imagestore.json",
                "{\"maxMismatchedPixels\": 50}"));

    JsonObject previews = previews(changeId, 1);
    assertThat(previews.getAsJsonArray("config_problems")).isEmpty();
    // Only the parent applies to the other runtime: 1 % of the pixels, at most 500: passes.
    JsonObject other = image(previews, OTHER_RUNTIME).getAsJsonObject("diff");
    assertThat(other.get("mismatched_pixels").getAsLong()).isAtLeast(90);
    assertThat(other.get("passed").getAsBoolean()).isTrue();
    DiffInfo otherInfo = info(other);
    assertThat(otherInfo.maxMismatchPercentage).isEqualTo(1.0);
    assertThat(otherInfo.maxMismatchedPixels).isEqualTo(500);
    assertThat(otherInfo.threshold).isEqualTo(0.2);
    // The nearer file sets only the pixel count; the percentage and threshold come from above.
    JsonObject form = image(previews, FORM).getAsJsonObject("diff");
    assertThat(form.get("passed").getAsBoolean()).isFalse();
    DiffInfo formInfo = info(form);
    assertThat(formInfo.maxMismatchPercentage).isEqualTo(1.0);
    assertThat(formInfo.maxMismatchedPixels).isEqualTo(50);
    assertThat(formInfo.threshold).isEqualTo(0.2);
    String first = waitForComment(changeId, 1).message;
    assertThat(first).contains("2 modified (1 failing)");

    // A patch set that only drops the nearer file changes the verdict: it gets a comment.
    testRepo.amendRef("HEAD").rm(LNK_DIR + ".imagestore.json").create();
    pushForReview();
    String second = waitForComment(changeId, 2).message;
    assertThat(second).contains("2 modified");
    assertThat(second).doesNotContain("failing");
  }

  @Test
  public void anInvalidFileIsLeftOutAndShownInTheCommentAndThePreviews() throws Exception {
    ImageId before = upload(encode(page("09:58", false)));
    ImageId after = upload(encode(page("09:58", true)));
    push("refs/heads/master", ImmutableMap.of(FORM, LnkFile.format(before)));

    String changeId =
        pushChange(
            "Badge, with a typo in the configuration",
            ImmutableMap.of(
                FORM,
                LnkFile.format(after),
                "images/.imagestore.json",
                "{\"maxMismatchedPixels\": 500, \"maxMismatchPercentage\": 1}",
                "images/login/.imagestore.json",
                "{\"maxMismatchedPixel\": 0}"));

    String comment = waitForComment(changeId, 1).message;
    assertThat(comment).contains("1 invalid configuration file");
    assertThat(comment)
        .contains(
            "Invalid configuration, left out (the files above it and the defaults apply):\n\n"
                + "- ` images/login/.imagestore.json `: ` unknown key \"maxMismatchedPixel\"");
    // Left out: the file above it decides, and the badge passes.
    assertThat(comment).contains("passes");
    JsonObject previews = previews(changeId, 1);
    JsonArray problems = previews.getAsJsonArray("config_problems");
    assertThat(problems).hasSize(1);
    JsonObject problem = problems.get(0).getAsJsonObject();
    assertThat(problem.get("file").getAsString()).isEqualTo("images/login/.imagestore.json");
    assertThat(problem.get("reason").getAsString())
        .isEqualTo(
            "unknown key \"maxMismatchedPixel\" (known: threshold, maxMismatchPercentage,"
                + " maxMismatchedPixels, includeAntialiasing, ignore)");
    assertThat(image(previews, FORM).getAsJsonObject("diff").get("passed").getAsBoolean()).isTrue();
  }

  /**
   * A login form as a browser would render it: header, clock, labels, inputs, a button, text. With
   * {@code badge}, a 10x10 notification badge on the header's flat background.
   */
  private static BufferedImage page(String time, boolean badge) {
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(new Color(0xf7f7f7));
      g.fillRect(0, 0, 320, 200);
      g.setColor(new Color(0x354a5f));
      g.fillRect(0, 0, 320, 36);
      g.setColor(Color.WHITE);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString("Acme Portal", 12, 24);
      g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 20));
      g.drawString(time, CLOCK[0] + 4, CLOCK[1] + 22);
      if (badge) {
        g.setColor(new Color(0xe0301e));
        g.fillRect(200, 13, 10, 10);
      }
      g.setColor(new Color(0x32363a));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString("User", 20, 64);
      g.drawString("Password", 20, 104);
      g.setColor(Color.WHITE);
      g.fillRect(20, 70, 280, 22);
      g.fillRect(20, 110, 280, 22);
      g.setColor(new Color(0x89919a));
      g.setStroke(new BasicStroke(1));
      g.drawRect(20, 70, 280, 22);
      g.drawRect(20, 110, 280, 22);
      g.setColor(new Color(0x0a6ed1));
      g.fillRoundRect(220, 148, 80, 26, 6, 6);
      g.setColor(Color.WHITE);
      g.drawString("Log On", 240, 165);
      g.setColor(new Color(0x6a6d70));
      g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 10));
      g.drawString("Forgot your password?", 20, 165);
    } finally {
      g.dispose();
    }
    return img;
  }

  private String pushChange(String message, ImmutableMap<String, String> files) throws Exception {
    TestRepository<?>.CommitBuilder commit =
        testRepo.branch("HEAD").commit().insertChangeId().message(message);
    for (var file : files.entrySet()) {
      commit.add(file.getKey(), file.getValue());
    }
    RevCommit created = commit.create();
    pushForReview();
    return GitUtil.getChangeId(testRepo, created).orElseThrow();
  }

  private void pushForReview() throws Exception {
    PushResult r = GitUtil.pushHead(testRepo, "refs/for/master", false);
    RemoteRefUpdate u = r.getRemoteUpdate("refs/for/master");
    assertWithMessage(r.getMessages()).that(u.getStatus()).isEqualTo(RemoteRefUpdate.Status.OK);
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

  private List<ChangeMessageInfo> comments(String changeId) throws Exception {
    return gApi.changes().id(changeId).messages().stream()
        .filter(m -> PreviewComment.TAG.equals(m.tag))
        .toList();
  }

  /** The figures behind a diff's info link, as a reviewer's browser gets them. */
  private DiffInfo info(JsonObject diff) throws Exception {
    HttpResponse<String> r = get(diff.get("info_url").getAsString());
    assertThat(r.statusCode()).isEqualTo(200);
    return com.googlesource.gerrit.plugins.imagestore.client.Json.gson()
        .fromJson(r.body(), DiffInfo.class);
  }

  private static String decoded(String url) {
    return URLDecoder.decode(url, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
