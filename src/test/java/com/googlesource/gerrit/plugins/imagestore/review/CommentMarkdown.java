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

import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;

/** Reads a comment as a markdown renderer does: CommonMark with GFM's bare-URL autolinks. */
final class CommentMarkdown {
  private static final Parser PARSER =
      Parser.builder().extensions(List.of(AutolinkExtension.create())).build();

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
}
