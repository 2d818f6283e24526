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

import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImagePreview;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Document;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * Reads a comment as a markdown renderer does: CommonMark with GFM's bare-URL autolinks; and checks
 * that a comment has the shape of the template whatever names, paths and messages it shows.
 */
final class CommentMarkdown {
  private static final Parser PARSER =
      Parser.builder().extensions(List.of(AutolinkExtension.create())).build();

  /** What a list item may hold: the template's text, bold and line break, code spans, links. */
  private static final Set<Class<? extends Node>> ITEM_NODES =
      Set.of(Text.class, Code.class, Link.class, StrongEmphasis.class, HardLineBreak.class);

  /**
   * Characters the template never writes as text: seen outside a code span, they would come from a
   * name (a mention, HTML, a link, emphasis, a table) that escaped its code span.
   */
  private static final String NOT_IN_TEMPLATE_TEXT = "@<>[]`*_~#|\\!";

  private CommentMarkdown() {}

  static Node parse(String markdown) {
    return PARSER.parse(markdown);
  }

  /** Every node below {@code root}, depth first. */
  static List<Node> descendants(Node root) {
    List<Node> out = new ArrayList<>();
    for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
      out.add(n);
      out.addAll(descendants(n));
    }
    return out;
  }

  /** The nodes of one type below {@code root}, depth first. */
  static <T extends Node> List<T> all(Node root, Class<T> type) {
    return descendants(root).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * Asserts that the comment of {@code previews} (at most {@link PreviewComment#MAX_LISTED} images)
   * is the summary paragraph and one list item per image (then, when there are any, a paragraph and
   * a list item per invalid configuration file), each one paragraph whose only links are the
   * plugin's and whose names, runtime, message and path each show, literally, in a code span of
   * their own; no other markup (headings, HTML, images, blocks, mentions) whatever they hold.
   */
  static void assertOnlyTemplateMarkup(PreviewsInfo previews) {
    String md = PreviewComment.format(previews);
    Node doc = parse(md);
    assertWithMessage(md).that(doc).isInstanceOf(Document.class);
    Node summary = doc.getFirstChild();
    assertWithMessage(md).that(summary).isInstanceOf(Paragraph.class);
    assertWithMessage(md)
        .that(descendants(summary).stream().allMatch(Text.class::isInstance))
        .isTrue();
    assertWithMessage(md).that(textOf(summary)).isEqualTo("Screenshots: " + previews.summary + ".");
    Node list = summary.getNext();
    assertWithMessage(md).that(list).isInstanceOf(BulletList.class);
    Node after = list.getNext();
    if (previews.configProblems != null && !previews.configProblems.isEmpty()) {
      after = assertConfigProblems(md, after, previews.configProblems);
    }
    assertWithMessage("nothing after the lists:\n%s", md).that(after).isNull();

    int i = 0;
    for (Node item = list.getFirstChild(); item != null; item = item.getNext(), i++) {
      ImagePreview p = previews.images.get(i);
      assertWithMessage(md).that(item).isInstanceOf(ListItem.class);
      Node paragraph = item.getFirstChild();
      assertWithMessage("%s\n%s", p.path, md).that(paragraph).isInstanceOf(Paragraph.class);
      assertWithMessage("one paragraph per item: %s", p.path).that(paragraph.getNext()).isNull();

      for (Node n : descendants(paragraph)) {
        assertWithMessage("%s in the item of %s:\n%s", n, p.path, md)
            .that(ITEM_NODES.contains(n.getClass()))
            .isTrue();
        if (n instanceof Text text) {
          assertWithMessage("template text of %s:\n%s", p.path, md)
              .that(text.getLiteral().chars().anyMatch(c -> NOT_IN_TEMPLATE_TEXT.indexOf(c) >= 0))
              .isFalse();
        }
      }
      List<String> links = all(paragraph, Link.class).stream().map(Link::getDestination).toList();
      assertWithMessage(md).that(links).containsExactlyElementsIn(linksOf(p)).inOrder();
      for (Link link : all(paragraph, Link.class)) {
        assertWithMessage(md).that(link.getTitle()).isNull();
      }
      List<String> codes = all(paragraph, Code.class).stream().map(Code::getLiteral).toList();
      List<String> texts = codeTextsOf(p);
      assertWithMessage(md)
          .that(codes)
          .containsExactlyElementsIn(texts.stream().map(CommentMarkdown::shown).toList())
          .inOrder();
      for (String text : texts) {
        if (text.length() <= Markdown.MAX_CODE_POINTS && text.matches("[\\x20-\\x7E]*")) {
          assertWithMessage("printable text shows as it is")
              .that(Markdown.visible(text))
              .isEqualTo(text);
        }
      }
    }
    assertThat(i).isEqualTo(previews.images.size());
  }

  /**
   * The invalid configuration files: a fixed paragraph, then a list item per file whose path and
   * reason each show literally in a code span of their own. Returns the node after the list.
   */
  private static Node assertConfigProblems(
      String md, Node heading, List<PreviewsInfo.ConfigProblemInfo> problems) {
    assertWithMessage(md).that(heading).isInstanceOf(Paragraph.class);
    assertWithMessage(md)
        .that(textOf(heading))
        .isEqualTo("Invalid configuration, left out (the files above it and the defaults apply):");
    Node list = heading.getNext();
    assertWithMessage(md).that(list).isInstanceOf(BulletList.class);
    int i = 0;
    for (Node item = list.getFirstChild(); item != null; item = item.getNext(), i++) {
      Node paragraph = item.getFirstChild();
      assertWithMessage(md).that(paragraph).isInstanceOf(Paragraph.class);
      assertWithMessage(md).that(paragraph.getNext()).isNull();
      for (Node n : descendants(paragraph)) {
        assertWithMessage("%s in a configuration problem:\n%s", n, md)
            .that(n instanceof Text || n instanceof Code)
            .isTrue();
        if (n instanceof Text text) {
          assertWithMessage(md)
              .that(text.getLiteral().chars().anyMatch(c -> NOT_IN_TEMPLATE_TEXT.indexOf(c) >= 0))
              .isFalse();
        }
      }
      List<String> codes = all(paragraph, Code.class).stream().map(Code::getLiteral).toList();
      if (i < PreviewComment.MAX_CONFIG_PROBLEMS) {
        PreviewsInfo.ConfigProblemInfo p = problems.get(i);
        assertWithMessage(md).that(codes).containsExactly(shown(p.file), shown(p.reason)).inOrder();
      } else {
        assertWithMessage(md).that(codes).isEmpty();
        assertWithMessage(md).that(textOf(paragraph)).contains("more");
      }
    }
    int listed = Math.min(problems.size(), PreviewComment.MAX_CONFIG_PROBLEMS);
    assertWithMessage(md).that(i).isEqualTo(listed + (problems.size() > listed ? 1 : 0));
    return list.getNext();
  }

  /** The links the template gives an image: each image that is there, and the diff. */
  private static List<String> linksOf(ImagePreview p) {
    List<String> links = new ArrayList<>();
    if (p.reference != null && !p.reference.missing) {
      links.add(p.reference.url);
    }
    if (p.newImage != null && !p.newImage.missing) {
      links.add(p.newImage.url);
    }
    if (p.diff != null) {
      links.add(p.diff.url);
    }
    return links;
  }

  /** The texts from the change or the service an item shows, in order. */
  private static List<String> codeTextsOf(ImagePreview p) {
    List<String> texts = new ArrayList<>();
    texts.add(p.runtime == null ? p.name : p.runtime.spec + "/" + p.name);
    if (p.runtime != null) {
      texts.add(p.runtime.label());
    }
    // The one message the status shows: the first of these that applies.
    if (p.problem != null) {
      texts.add(p.problem);
    } else if (p.newImage != null && p.newImage.problem != null) {
      texts.add(p.newImage.problem);
    } else if ((p.newImage == null || !p.newImage.missing)
        && !List.of("added", "deleted").contains(p.status)
        && p.diff != null
        && p.diff.error != null) {
      texts.add(p.diff.error);
    }
    texts.add(p.path);
    return texts;
  }

  /**
   * What a code span shows for {@code text}: CommonMark strips the one space on each side unless
   * the contents are only spaces.
   */
  private static String shown(String text) {
    String v = Markdown.visible(text);
    return v.chars().allMatch(c -> c == ' ') ? " " + v + " " : v;
  }

  private static String textOf(Node root) {
    return all(root, Text.class).stream().map(Text::getLiteral).collect(Collectors.joining());
  }
}
