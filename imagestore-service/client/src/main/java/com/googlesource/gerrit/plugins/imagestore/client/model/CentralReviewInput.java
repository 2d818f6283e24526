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

package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.util.Map;

/**
 * Body of the Gerrit plugin's {@code POST /projects/{project}/imagestore~reviews}: the central job
 * asks for a review that sets these {@code .lnk} files. The plugin parses it and the command line
 * tool writes it, both with this class.
 */
public class CentralReviewInput {
  /** The target branch, e.g. {@code master} or {@code refs/heads/rel-1}. */
  public String branch;

  /** The test (UIVeri5 spec) the images belong to, e.g. {@code login}. */
  public String test;

  /**
   * The runtime, as UIVeri5 lays it out in paths: {@code
   * <platform>/<resolution>/<browser>/<theme>/<direction>/<mode>}.
   */
  public String runtime;

  /** Path of each {@code .lnk} file in the repository, mapped to the image id it must name. */
  public Map<String, String> images;

  /** Account (user name or e-mail) to add as reviewer; by default the last author of the test. */
  public String responsible;

  /** Text for the commit message; a default names the test and runtime. */
  public String message;
}
