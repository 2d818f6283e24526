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

import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.diff.Shift;
import com.googlesource.gerrit.plugins.imagestore.visualtest.CentralStep.Reviews;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import com.googlesource.gerrit.plugins.imagestore.visualtest.UploadStep.Uploads;
import com.googlesource.gerrit.plugins.imagestore.visualtest.Workflow.Outcome;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The last step: what a run says about itself, a line per image, a summary and its exit code. */
final class Summary {
  private Summary() {}

  /** The line printed for an image. */
  static String line(ImageResult r, PassRule rule) {
    String label = String.format(Locale.ROOT, "%-7s %s", r.status().label, r.key().path());
    return switch (r.status()) {
      case PASSED -> label + "  " + describe(r.figures(), rule) + matchNote(r);
      case FAILED ->
          label
              + "  "
              + describe(r.figures(), rule)
              + (r.message() == null ? "" : "; " + r.message())
              + "; diff: "
              + r.diffPng();
      case NEW -> label + "  no reference yet (" + r.actual() + ")";
      case MISSING, ERROR -> label + "  " + r.message();
      case NO_SCREENSHOT -> label + "  no new screenshot";
    };
  }

  /** Which variant a screenshot passed against, when not the reference. */
  static String matchNote(ImageResult r) {
    return r.matchedVariant() ? " (matches variant " + r.matched() + ")" : "";
  }

  /** The figures of a comparison in words, with the bound of the pass rule. */
  static String describe(DiffResult f, PassRule rule) {
    String ignored = f.ignoredPixels() == 0 ? "" : ", " + f.ignoredPixels() + " px ignored";
    if (f.identical()) {
      return "identical" + ignored;
    }
    if (f.sizeMismatch()) {
      return "the sizes differ";
    }
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d px mismatched (%.4f %%, allowed below %.1f px), %d anti-aliased",
                f.mismatchedPixels(),
                f.mismatchPercentage(),
                rule.allowedMismatchedPixels(f.totalPixels()),
                f.antialiasedPixels()));
    out.append(ignored);
    List<Shift> shifts = f.shifts();
    for (int i = 0; i < Math.min(shifts.size(), MAX_SHIFTS_SHOWN); i++) {
      Shift s = shifts.get(i);
      out.append(
          String.format(
              Locale.ROOT,
              "; block at (%d, %d) %dx%d moved by (%d, %d): %d px",
              s.x(),
              s.y(),
              s.width(),
              s.height(),
              s.dx(),
              s.dy(),
              s.mismatchedPixels()));
    }
    if (shifts.size() > MAX_SHIFTS_SHOWN) {
      out.append("; ").append(shifts.size() - MAX_SHIFTS_SHOWN).append(" more moved blocks");
    }
    return out.toString();
  }

  /** Moved blocks described per image; the rest are counted. */
  static final int MAX_SHIFTS_SHOWN = 5;

  /**
   * {@link Workflow#BAD_INPUT} when an image could not be checked; else {@link Workflow#FAILED}
   * when an image needs a new reference its link was not updated to, or an upload or review failed;
   * else {@link Workflow#OK}.
   */
  static int exitCode(
      List<ImageResult> results, Set<ImageKey> updated, Uploads uploads, Reviews reviews) {
    int code = Workflow.OK;
    for (ImageResult r : results) {
      if (r.status() == Status.ERROR) {
        return Workflow.BAD_INPUT;
      }
      if (r.status().needsNewReference() && !updated.contains(r.key())) {
        code = Workflow.FAILED;
      }
    }
    if (!uploads.failed().isEmpty() || reviews.failed() > 0) {
      code = Workflow.FAILED;
    }
    return code;
  }

  static void print(PrintStream out, Outcome o, ReferenceCache cache, Workflow.Settings settings) {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, o.count(s));
    }
    long compared = o.results().size() - counts.get(Status.NO_SCREENSHOT);
    out.printf(
        Locale.ROOT,
        "%d image(s): %d passed, %d failed, %d new, %d missing reference(s), %d error(s);"
            + " %d link(s) without a new screenshot; references: %d from the cache, %d"
            + " downloaded%s%n",
        compared,
        counts.get(Status.PASSED),
        counts.get(Status.FAILED),
        counts.get(Status.NEW),
        counts.get(Status.MISSING),
        counts.get(Status.ERROR),
        counts.get(Status.NO_SCREENSHOT),
        cache.hits(),
        cache.downloads(),
        settings.update() ? "; " + o.updated().size() + " link(s) updated" : "");
    out.println("report: " + settings.report());
  }
}
