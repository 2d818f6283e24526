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

import java.util.Optional;

/**
 * Where UIVeri5 puts a screenshot's link: {@code
 * .../images/<spec>/<platform>/<resolution>/<browser>/<theme>/<direction>/<mode>/<name>.ref.lnk}.
 */
public record RuntimePath(
    String spec,
    String platform,
    String resolution,
    String browser,
    String theme,
    String direction,
    String mode,
    String name) {
  /** The runtime of a link's path, or empty when the path does not follow UIVeri5's layout. */
  public static Optional<RuntimePath> parse(String path, String suffix) {
    String[] s = path.split("/");
    int n = s.length;
    if (n < 9 || !s[n - 9].equals("images") || !s[n - 1].endsWith(suffix)) {
      return Optional.empty();
    }
    String name = s[n - 1].substring(0, s[n - 1].length() - suffix.length());
    if (name.endsWith(".ref")) {
      name = name.substring(0, name.length() - ".ref".length());
    }
    return Optional.of(
        new RuntimePath(
            s[n - 8], s[n - 7], s[n - 6], s[n - 5], s[n - 4], s[n - 3], s[n - 2], name));
  }

  /** A short label, e.g. {@code linux · 1920x1080 · chrome · light · ltr · cozy}. */
  public String runtimeLabel() {
    return String.join(" · ", platform, resolution, browser, theme, direction, mode);
  }
}
