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

import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ConfigProblemInfo;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.DiffLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImageLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImagePreview;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.Region;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.Shift;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** The comment's layout for long lists, and reading runtimes from UIVeri5's paths. */
public class PreviewCommentTest {
  @Test
  public void aLongListStartsWithTheSummaryAndCountsWhatItDoesNotList() {
    PreviewsInfo previews = new PreviewsInfo();
    previews.summary = "60 images changed: 60 added";
    previews.images = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ImagePreview p = new ImagePreview();
      p.path = String.format("images/s/p/r/b/t/d/m/shot%02d.ref.lnk", i);
      p.name = String.format("shot%02d", i);
      p.status = "added";
      p.newImage = new ImageLink();
      p.newImage.uuid = "0".repeat(32);
      p.newImage.url = "http://service/images/" + p.newImage.uuid;
      previews.images.add(p);
    }
    String md = PreviewComment.format(previews);
    assertThat(md).startsWith("Screenshots: 60 images changed: 60 added.\n");
    assertThat(md).contains("shot49.ref.lnk");
    assertThat(md).doesNotContain("shot50.ref.lnk");
    assertThat(md).contains("… and 10 more");
  }

  @Test
  public void saysWhatWasIgnoredWhatMovedAndWhichConfigurationIsInvalid() {
    PreviewsInfo previews = new PreviewsInfo();
    previews.summary = "1 image changed: 1 modified; 1 invalid configuration file";
    ConfigProblemInfo problem = new ConfigProblemInfo();
    problem.file = "images/.imagestore.json";
    problem.reason = "threshold: must be from 0 to 1, not 2";
    previews.configProblems = List.of(problem);
    ImagePreview p = new ImagePreview();
    p.path = "images/login/clock.ref.lnk";
    p.name = "clock";
    p.status = "modified";
    p.reference = new ImageLink();
    p.reference.uuid = "a".repeat(32);
    p.reference.url = "http://service/images/" + p.reference.uuid;
    p.newImage = new ImageLink();
    p.newImage.uuid = "b".repeat(32);
    p.newImage.url = "http://service/images/" + p.newImage.uuid;
    p.diff = new DiffLink();
    p.diff.url = "http://service/diff/a/b?ignore=0,0,120,40";
    p.diff.mismatchedPixels = 1234L;
    p.diff.mismatchPercent = 0.5;
    p.diff.passed = false;
    p.diff.sizeMismatch = false;
    Region clock = new Region();
    clock.width = 120;
    clock.height = 40;
    p.diff.ignore = List.of(clock);
    p.diff.ignoredPixels = 4800L;
    Shift moved = new Shift();
    moved.x = 10;
    moved.y = 60;
    moved.width = 200;
    moved.height = 30;
    moved.dx = 0;
    moved.dy = -4;
    moved.mismatchedPixels = 900;
    p.diff.shifts = List.of(moved);
    previews.images = List.of(p);

    String md = PreviewComment.format(previews);
    assertThat(md)
        .contains(
            "Invalid configuration, left out (the files above it and the defaults apply):\n\n"
                + "- ` images/.imagestore.json `: ` threshold: must be from 0 to 1, not 2 `\n");
    assertThat(md)
        .contains(
            "changed, 1,234 pixels differ (0.50 %), **fails**; 1 region ignored (4,800 pixels);"
                + " moved by (0, -4) at (10, 60) 200×30");
    CommentMarkdown.assertOnlyTemplateMarkup(previews);
  }

  @Test
  public void runtimesAreReadFromTheLastNineSegments() {
    RuntimePath r =
        RuntimePath.parse(
                "ui/test/images/login/linux/1920x1080/chrome/light/ltr/cozy/form.ref.lnk", ".lnk")
            .orElseThrow();
    assertThat(r)
        .isEqualTo(
            new RuntimePath(
                "login", "linux", "1920x1080", "chrome", "light", "ltr", "cozy", "form"));
    assertThat(RuntimePath.parse("images/login/form.ref.lnk", ".lnk")).isEmpty();
    assertThat(RuntimePath.parse("other/a/b/c/d/e/f/g/form.ref.lnk", ".lnk")).isEmpty();
  }
}
