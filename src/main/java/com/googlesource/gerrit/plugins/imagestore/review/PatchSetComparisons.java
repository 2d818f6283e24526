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

import com.googlesource.gerrit.plugins.imagestore.client.compare.Comparison;
import com.googlesource.gerrit.plugins.imagestore.client.compare.ConfigProblem;
import java.util.List;
import java.util.Map;

/**
 * How a patch set's changed images are compared, from the {@code .imagestore.json} files of its
 * tree: the comparison of each image by path, and the files that cannot be used.
 */
public record PatchSetComparisons(Map<String, Comparison> byPath, List<ConfigProblem> problems) {
  public static final PatchSetComparisons NONE = new PatchSetComparisons(Map.of(), List.of());

  public PatchSetComparisons {
    byPath = Map.copyOf(byPath);
    problems = List.copyOf(problems);
  }

  /** The comparison of the image at {@code path}; the defaults for an image not resolved. */
  public Comparison of(String path) {
    return byPath.getOrDefault(path, Comparison.DEFAULT);
  }
}
