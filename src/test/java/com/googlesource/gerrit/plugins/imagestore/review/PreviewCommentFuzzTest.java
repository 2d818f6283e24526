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

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ConfigProblemInfo;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.Counts;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.DiffLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImageLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImagePreview;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.Region;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.Shift;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The review comment for any file names, paths, runtimes and messages of the service, in every
 * shape of preview the plugin builds: parsed by CommonMark it is still the summary and one list
 * item per image with only the plugin's links, no HTML, images, headings, extra blocks or mentions,
 * and each of those texts shows literally in a code span of its own ({@link
 * CommentMarkdown#assertOnlyTemplateMarkup}). Every test run replays the corpus in {@code
 * PreviewCommentFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class PreviewCommentFuzzTest {
  private static final String SERVICE = "http://service.example/";
  private static final int MAX_TEXT = 2 * Markdown.MAX_CODE_POINTS;

  @FuzzTest
  void hostileTextCannotShapeTheComment(FuzzedDataProvider in) {
    PreviewsInfo previews = new PreviewsInfo();
    previews.counts = counts(in);
    previews.images = new ArrayList<>();
    int images = in.consumeInt(1, 3);
    for (int i = 0; i < images; i++) {
      previews.images.add(preview(in, i));
    }
    previews.configProblems = new ArrayList<>();
    int problems = in.consumeInt(0, PreviewComment.MAX_CONFIG_PROBLEMS + 2);
    for (int i = 0; i < problems; i++) {
      ConfigProblemInfo p = new ConfigProblemInfo();
      p.file = in.consumeString(MAX_TEXT);
      p.reason = in.consumeString(MAX_TEXT);
      previews.configProblems.add(p);
    }
    previews.summary = PreviewBuilder.summary(previews.counts, images, in.consumeInt(0, problems));
    CommentMarkdown.assertOnlyTemplateMarkup(previews);
  }

  /** One link change as PreviewBuilder describes it, with the texts taken from the input. */
  private static ImagePreview preview(FuzzedDataProvider in, int index) {
    ImagePreview p = new ImagePreview();
    p.status = in.pickValue(List.of("added", "modified", "deleted"));
    PreviewBuilder.locate(
        p, in.consumeBoolean() ? uiveri5Path(in) : in.consumeString(MAX_TEXT), ".lnk");
    if (!p.status.equals("added")) {
      p.reference = image(in, "a" + index);
    }
    if (!p.status.equals("deleted") && in.consumeBoolean()) {
      // The new link does not parse: it names no image.
      p.problem = in.consumeString(MAX_TEXT);
      return p;
    }
    if (!p.status.equals("deleted")) {
      p.newImage = image(in, "b" + index);
    }
    if (p.status.equals("modified") && isThere(p.reference) && isThere(p.newImage)) {
      p.diff = diff(in, p.reference, p.newImage);
    }
    return p;
  }

  /** A path in UIVeri5's layout, so that the runtime and name come from the input too. */
  private static String uiveri5Path(FuzzedDataProvider in) {
    String[] segments = new String[8];
    Arrays.setAll(segments, i -> in.consumeString(60));
    return "ui/images/" + String.join("/", segments) + ".ref.lnk";
  }

  /** The service has it, does not have it, or could not tell (with its message). */
  private static ImageLink image(FuzzedDataProvider in, String id) {
    ImageLink l = new ImageLink();
    l.uuid = id.repeat(16).substring(0, 32);
    l.url = SERVICE + "images/" + l.uuid;
    switch (in.consumeInt(0, 2)) {
      case 0 -> l.missing = true;
      case 1 -> l.problem = in.consumeString(MAX_TEXT);
      default -> {}
    }
    return l;
  }

  private static DiffLink diff(FuzzedDataProvider in, ImageLink reference, ImageLink next) {
    DiffLink d = new DiffLink();
    d.url = SERVICE + "diff/" + reference.uuid + "/" + next.uuid;
    d.infoUrl = d.url + "/info";
    if (in.consumeBoolean()) {
      d.error = in.consumeString(MAX_TEXT);
    } else {
      d.mismatchedPixels = in.consumeLong();
      d.mismatchPercent = in.consumeDouble();
      d.passed = in.pickValue(Arrays.asList(true, false, null));
      d.sizeMismatch = in.pickValue(Arrays.asList(true, false, null));
      if (in.consumeBoolean()) {
        d.ignore = new ArrayList<>();
        for (int i = in.consumeInt(1, 3); i > 0; i--) {
          d.ignore.add(region(new Region(), in));
        }
        d.ignoredPixels = in.consumeBoolean() ? in.consumeLong() : null;
      }
      if (in.consumeBoolean()) {
        d.shifts = new ArrayList<>();
        for (int i = in.consumeInt(1, PreviewComment.MAX_SHIFTS_NAMED + 2); i > 0; i--) {
          Shift s = region(new Shift(), in);
          s.dx = in.consumeInt();
          s.dy = in.consumeInt();
          s.mismatchedPixels = in.consumeLong();
          d.shifts.add(s);
        }
      }
    }
    return d;
  }

  private static <R extends Region> R region(R r, FuzzedDataProvider in) {
    r.x = in.consumeInt();
    r.y = in.consumeInt();
    r.width = in.consumeInt();
    r.height = in.consumeInt();
    return r;
  }

  private static boolean isThere(ImageLink l) {
    return l != null && !l.missing && l.problem == null;
  }

  private static Counts counts(FuzzedDataProvider in) {
    Counts c = new Counts();
    c.added = in.consumeInt(0, 1000);
    c.modified = in.consumeInt(0, 1000);
    c.deleted = in.consumeInt(0, 1000);
    c.missing = in.consumeInt(0, 1000);
    c.invalid = in.consumeInt(0, 1000);
    c.failed = in.consumeInt(0, 1000);
    c.unverified = in.consumeInt(0, 1000);
    return c;
  }
}
