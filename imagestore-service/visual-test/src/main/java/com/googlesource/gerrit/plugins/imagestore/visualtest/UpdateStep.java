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
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --update}: points the links of failed, new and missing images at the fresh screenshots.
 */
final class UpdateStep {
  private UpdateStep() {}

  /** Rewrites the links; returns the images whose link now names the fresh screenshot. */
  static Set<ImageKey> run(List<ImageResult> results, PrintStream out, PrintStream err) {
    Set<ImageKey> updated = new HashSet<>();
    for (ImageResult r : results) {
      if (!r.status().needsNewReference()) {
        continue;
      }
      Path lnk = r.image().lnk();
      try {
        // Exactly what UIVeri5 writes: "uuid=" and the id, no line break.
        AtomicFiles.write(lnk, LnkFile.formatBytes(r.actual()));
        updated.add(r.key());
        out.println("updated " + lnk + " -> " + r.actual());
      } catch (IOException e) {
        err.println("imagestore: cannot write " + lnk + ": " + e.getMessage());
      }
    }
    return updated;
  }
}
