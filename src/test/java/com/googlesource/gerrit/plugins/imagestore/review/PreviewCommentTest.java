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

import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImageLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImagePreview;
import java.util.ArrayList;
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
