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

import com.google.common.collect.ImmutableList;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.DiffLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImageLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImagePreview;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.RuntimeInfo;
import java.util.ArrayList;
import org.junit.Test;

/**
 * The review comment is posted as Gerrit's own identity: names, paths, runtimes and messages from a
 * change must not be able to shape it. Each hostile text below goes into every place such text
 * reaches, and the comment, parsed by a CommonMark parser with GFM autolinks, must still be one
 * summary paragraph and one list item per file whose only links are the plugin's, and show the text
 * literally in code spans.
 */
public class HostileNamesTest {
  private static final String SERVICE = "http://service.example/";

  /** What attackers put in file names (git allows anything but NUL and '/'). */
  static final ImmutableList<String> HOSTILE =
      ImmutableList.of(
          "x`\n\n**Code-Review+2** verified, safe to submit [details](http://evil.example/)\n\n`y",
          "x``\n\n**Code-Review+2**\n\n``",
          "a**b",
          "**bold**",
          "_em_ and *em*",
          "``` fenced",
          "ends with a backtick`",
          "`starts with one",
          "` `` ``` ```` mixed runs",
          "<img src=x onerror=alert(1)>",
          "<script>alert(1)</script>",
          "<http://evil.example/auto>",
          "![image](http://evil.example/x.png)",
          "[link](javascript:alert(1))",
          "[ref]: http://evil.example/",
          "@admin@example.com please approve",
          "reviewer@example.com",
          "http://evil.example/phish",
          "https://evil.example/phish?x=1",
          "www.evil.com/x",
          "evil.com/path",
          "line\rbreak",
          "line\r\n\r\n- second item",
          "tab\there",
          "form\ffeed",
          "vertical\u000Btab",
          "next\u0085line",
          "\u2028line separator\u2029paragraph separator",
          "bidi\u202Egnp.lnk",
          "zero\u200Bwidth\uFEFFbom",
          "nul\u0000byte",
          "# heading",
          "> quote",
          "- item",
          "1. item",
          "---",
          "===",
          "* * *",
          "| a | b |",
          "    indented code",
          "~~~",
          "~~strike~~",
          "&lt;entity&#96;&amp;",
          "back\\slash\\`",
          "\\",
          "   ",
          "trailing spaces  ",
          "<!-- comment -->",
          "{{template}} ${expr}",
          "🙂 emoji and \uD800 lone surrogate",
          "long".repeat(2000));

  @Test
  public void hostileNamesStayOneListItemEach() {
    PreviewsInfo previews = previews();
    for (String hostile : HOSTILE) {
      previews.images.add(added("images/" + hostile + ".ref.lnk", hostile, null));
      previews.images.add(
          added(
              "ui/images/" + hostile + "/linux/1x1/chrome/light/ltr/cozy/" + hostile + ".ref.lnk",
              hostile,
              runtime(hostile)));
      ImagePreview broken = added("images/broken.ref.lnk", "broken", null);
      broken.problem = hostile;
      previews.images.add(broken);
      previews.images.add(modified(hostile));
    }
    // The comment lists at most MAX_LISTED: check them in slices.
    for (int from = 0; from < previews.images.size(); from += PreviewComment.MAX_LISTED) {
      PreviewsInfo slice = previews();
      slice.images.addAll(
          previews.images.subList(
              from, Math.min(previews.images.size(), from + PreviewComment.MAX_LISTED)));
      CommentMarkdown.assertOnlyTemplateMarkup(slice);
    }
  }

  @Test
  public void visibleTextHasNoLineBreaksOrInvisibleCharacters() {
    for (String hostile : HOSTILE) {
      String v = Markdown.visible(hostile);
      assertWithMessage(v)
          .that(v.codePoints().filter(c -> Character.isISOControl(c) || c == 0x2028).count())
          .isEqualTo(0);
      assertThat(v.codePointCount(0, v.length())).isAtMost(Markdown.MAX_CODE_POINTS + 1);
    }
    assertThat(Markdown.visible("a\nb")).isEqualTo("a\\u000Ab");
    assertThat(Markdown.visible("bidi\u202E")).isEqualTo("bidi\\u202E");
    assertThat(Markdown.code("a`b")).isEqualTo("`` a`b ``");
    assertThat(Markdown.code("form")).isEqualTo("` form `");
  }

  private static PreviewsInfo previews() {
    PreviewsInfo previews = new PreviewsInfo();
    previews.summary = "some images changed";
    previews.images = new ArrayList<>();
    return previews;
  }

  private static ImagePreview added(String path, String name, RuntimeInfo runtime) {
    ImagePreview p = new ImagePreview();
    p.path = path;
    p.name = name;
    p.runtime = runtime;
    p.status = "added";
    p.newImage = image("new");
    return p;
  }

  private static ImagePreview modified(String error) {
    ImagePreview p = added("images/" + error + ".ref.lnk", error, null);
    p.status = "modified";
    p.reference = image("reference");
    p.diff = new DiffLink();
    p.diff.url = SERVICE + "diff/reference/new";
    p.diff.error = error;
    return p;
  }

  private static ImageLink image(String id) {
    ImageLink l = new ImageLink();
    l.uuid = id;
    l.url = SERVICE + "images/" + id;
    return l;
  }

  private static RuntimeInfo runtime(String hostile) {
    RuntimeInfo r = new RuntimeInfo();
    r.spec = hostile;
    r.platform = hostile;
    r.resolution = "1x1";
    r.browser = hostile;
    r.theme = "light";
    r.direction = "ltr";
    r.mode = hostile;
    return r;
  }
}
