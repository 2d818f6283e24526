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

/**
 * Puts text that comes from a repository (file names, paths, runtimes) or from the image service
 * into the markdown of a comment Gerrit posts as its own identity, so that it shows literally and
 * cannot shape the comment.
 *
 * <p>Such text only ever appears inside an inline code span: markdown renderers (PolyGerrit's
 * marked, CommonMark) parse nothing inside one: no emphasis, links, images, autolinks, mentions or
 * HTML, and Gerrit applies its comment links and URL linking only outside code. What could still
 * break out of a code span is escaped here: line breaks and every other control, format (bidi
 * overrides, zero-width) or separator character is shown as {@code \\uXXXX}, so the text stays on
 * its line and cannot start a block (a paragraph, a list item, a heading, a quote); the fence is
 * one backtick longer than the longest run of backticks in the text and set off by a space on each
 * side, so the text cannot close it early or merge with it. Callers never wrap a code span in
 * emphasis: old markdown parsers look for the closing {@code **} inside the code.
 */
public final class Markdown {
  /** Longer text is cut, so a crafted name cannot make the comment huge. */
  static final int MAX_CODE_POINTS = 300;

  private Markdown() {}

  /** {@code text} as an inline code span that shows it literally (see the class comment). */
  static String code(String text) {
    String v = visible(text);
    int longest = 0;
    int run = 0;
    for (int i = 0; i < v.length(); i++) {
      run = v.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    return fence + " " + v + " " + fence;
  }

  /**
   * {@code text} on one line: control, format and separator characters as {@code \\uXXXX} (a
   * backslash shown as is), cut to {@link #MAX_CODE_POINTS} with an ellipsis. Also for plain-text
   * messages (the submit requirement's).
   */
  public static String visible(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (++count > MAX_CODE_POINTS) {
        s.append('…');
        break;
      }
      if (isInvisible(c)) {
        s.append(c <= 0xFFFF ? String.format("\\u%04X", c) : String.format("\\u{%X}", c));
      } else {
        s.appendCodePoint(c);
      }
    }
    return s.toString();
  }

  private static boolean isInvisible(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.PRIVATE_USE ->
          true;
      default -> false;
    };
  }
}
