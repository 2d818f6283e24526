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
