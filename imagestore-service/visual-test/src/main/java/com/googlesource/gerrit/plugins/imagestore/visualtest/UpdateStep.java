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

import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --update}: points the links of failed, new and missing images at the fresh screenshots.
 * The new image replaces the reference and the link keeps its variants; with {@code --as-variant}
 * it is added to a failing link as one more accepted variant ({@code alt=} line) instead.
 */
final class UpdateStep {
  private UpdateStep() {}

  /** Rewrites the links; returns the images whose link now accepts the fresh screenshot. */
  static Set<ImageKey> run(
      List<ImageResult> results, boolean asVariant, PrintStream out, PrintStream err) {
    Set<ImageKey> updated = new HashSet<>();
    for (ImageResult r : results) {
      if (!r.status().needsNewReference()) {
        continue;
      }
      Path lnk = r.image().lnk();
      Links links;
      String how;
      if (r.reference() == null) {
        // A new image: its first screenshot is the reference, exactly what UIVeri5 writes.
        links = Links.of(r.actual());
        how = "";
      } else {
        Links old = new Links(r.reference(), r.variants());
        if (asVariant && r.status() == Status.FAILED) {
          if (!old.names(r.actual()) && old.isFull()) {
            err.println(
                "imagestore: cannot add "
                    + r.actual()
                    + " to "
                    + lnk
                    + " as a variant: the link lists "
                    + LnkFile.MAX_VARIANTS
                    + " variants already, the most it may hold; drop one, or replace the"
                    + " reference (--update without --as-variant)");
            continue;
          }
          links = old.withVariant(r.actual());
          how = " (variant)";
        } else {
          // A missing reference is replaced even with --as-variant: nothing can match it.
          links = old.withReference(r.actual());
          how =
              old.variants().isEmpty() ? "" : " (keeping " + old.variants().size() + " variant(s))";
        }
      }
      try {
        AtomicFiles.write(lnk, LnkFile.formatBytes(links));
        updated.add(r.key());
        out.println("updated " + lnk + " -> " + r.actual() + how);
      } catch (IOException e) {
        err.println("imagestore: cannot write " + lnk + ": " + e.getMessage());
      }
    }
    return updated;
  }
}
