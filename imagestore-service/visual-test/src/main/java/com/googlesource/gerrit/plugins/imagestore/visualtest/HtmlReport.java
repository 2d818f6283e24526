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

package com.googlesource.gerrit.plugins.imagestore.visualtest;

import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A self-contained HTML page of a run: what failed or is new with reference, new image and diff
 * side by side, then the rest as a list. Images are linked by relative paths from the report's
 * directory, so the report and the output directory can be archived or moved together; every text
 * from the tree is escaped. No scripts, no external resources.
 */
final class HtmlReport {
  private HtmlReport() {}

  static void write(Path report, List<ImageResult> results, Set<ImageKey> updated, PassRule rule)
      throws IOException {
    Path dir = report.toAbsolutePath().normalize().getParent();
    StringBuilder h = new StringBuilder(4096);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>imagestore: visual test report</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:1em}")
        .append("table.images{border-collapse:collapse}")
        .append(".images td,.images th{border:1px solid #ccc;padding:4px;vertical-align:top}")
        .append(".images img{max-width:32vw;border:1px solid #888}")
        .append(".FAIL,.ERROR,.MISSING{color:#b00}.NEW{color:#a60}.PASS{color:#070}")
        .append("code{word-break:break-all}\n</style></head><body>\n")
        .append("<h1>Visual test report</h1>\n<p>");
    for (Status s : Status.values()) {
      long n = results.stream().filter(r -> r.status() == s).count();
      h.append("<span class=\"").append(s.label).append("\">").append(s.label).append(": ");
      h.append(n).append("</span> &nbsp; ");
    }
    h.append("</p>\n<p>Pass rule: fewer than ")
        .append(rule.maxMismatchPercentage())
        .append(" % and fewer than ")
        .append(rule.maxMismatchedPixels())
        .append(" mismatched pixels.</p>\n");

    h.append("<h2>To look at</h2>\n");
    boolean any = false;
    for (ImageResult r : results) {
      Status s = r.status();
      if (s == Status.PASSED || s == Status.NO_SCREENSHOT) {
        continue;
      }
      if (!any) {
        h.append("<table class=\"images\"><tr><th>Image</th><th>Reference</th>")
            .append("<th>New</th><th>Difference</th></tr>\n");
        any = true;
      }
      h.append("<tr><td><span class=\"")
          .append(s.label)
          .append("\">")
          .append(s.label)
          .append("</span><br><code>")
          .append(escape(r.image().key().path()))
          .append("</code><br>")
          .append(escape(detail(r, rule)));
      if (updated.contains(r.key())) {
        h.append("<br>link updated to <code>").append(r.actual()).append("</code>");
      }
      h.append("</td>")
          .append(cell(dir, r.refPng(), "reference"))
          .append(cell(dir, r.actPng(), "new"))
          .append(cell(dir, r.diffPng(), "difference"))
          .append("</tr>\n");
    }
    h.append(any ? "</table>\n" : "<p>Nothing: every screenshot passed.</p>\n");

    long passed = results.stream().filter(r -> r.status() == Status.PASSED).count();
    h.append("<details><summary>Passed (").append(passed).append(")</summary><ul>\n");
    for (ImageResult r : results) {
      if (r.status() == Status.PASSED) {
        h.append("<li><code>")
            .append(escape(r.image().key().path()))
            .append("</code> ")
            .append(escape(detail(r, rule)))
            .append("</li>\n");
      }
    }
    h.append("</ul></details>\n");
    long skipped = results.stream().filter(r -> r.status() == Status.NO_SCREENSHOT).count();
    h.append("<details><summary>Links without a new screenshot (")
        .append(skipped)
        .append(")</summary><ul>\n");
    for (ImageResult r : results) {
      if (r.status() == Status.NO_SCREENSHOT) {
        h.append("<li><code>").append(escape(r.image().key().path())).append("</code></li>\n");
      }
    }
    h.append("</ul></details>\n</body></html>\n");
    AtomicFiles.write(report, h.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String detail(ImageResult r, PassRule rule) {
    if (r.message() != null) {
      return r.message();
    }
    if (r.figures() == null) {
      return r.status() == Status.NEW ? "no reference yet" : "";
    }
    return Summary.describe(r.figures(), rule) + Summary.matchNote(r);
  }

  private static String cell(Path dir, Path image, String alt) {
    if (image == null) {
      return "<td></td>";
    }
    String href = relativeUrl(dir, image);
    return "<td><a href=\""
        + href
        + "\"><img src=\""
        + href
        + "\" alt=\""
        + alt
        + "\" loading=\"lazy\"></a></td>";
  }

  /** The path from {@code dir} to {@code file}, each segment percent-encoded. */
  static String relativeUrl(Path dir, Path file) {
    Path rel = dir.relativize(file.toAbsolutePath().normalize());
    StringBuilder url = new StringBuilder();
    for (Path segment : rel) {
      if (!url.isEmpty()) {
        url.append('/');
      }
      url.append(URLEncoder.encode(segment.toString(), StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return url.toString();
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
