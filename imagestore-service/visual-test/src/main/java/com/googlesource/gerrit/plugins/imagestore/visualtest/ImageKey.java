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

/**
 * One screenshot of a visual test, named the way UIVeri5 lays it out: {@code
 * <base>images/<spec>/<runtime>/<name>}, where the runtime is {@code
 * <platform>/<resolution>/<browser>/<theme>/<direction>/<mode>}.
 *
 * @param base the path from the scanned directory to {@code images/} ({@code ""} or ending in
 *     {@code /}): the directory of the spec file, UIVeri5's {@code refImagesRoot}
 * @param spec the test (spec) name
 * @param runtime the six runtime segments joined by {@code /}
 * @param name the image name given to {@code toLookAs}
 */
public record ImageKey(String base, String spec, String runtime, String name)
    implements Comparable<ImageKey> {
  /** The directory UIVeri5 puts every image under. */
  public static final String IMAGES = "images";

  /** How many path segments a runtime has. */
  public static final int RUNTIME_SEGMENTS = 6;

  /** The path of the image without its ending, relative to the scanned directory. */
  public String path() {
    return base + relativeToImagesRoot();
  }

  /** {@code images/<spec>/<runtime>/<name>}: where it is below any UIVeri5 images root. */
  public String relativeToImagesRoot() {
    return IMAGES + "/" + spec + "/" + runtime + "/" + name;
  }

  @Override
  public int compareTo(ImageKey o) {
    return path().compareTo(o.path());
  }

  @Override
  public String toString() {
    return path();
  }
}
