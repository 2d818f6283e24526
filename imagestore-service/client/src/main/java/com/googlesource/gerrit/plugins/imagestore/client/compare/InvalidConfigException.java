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

package com.googlesource.gerrit.plugins.imagestore.client.compare;

/** A configuration file that cannot be used: malformed, out of bounds or unreadable. */
public class InvalidConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;

  public InvalidConfigException(String path, String reason) {
    super(path + ": " + reason);
    this.path = path;
    this.reason = reason;
  }

  /** The path of the file (relative to the tree's root). */
  public String path() {
    return path;
  }

  public String reason() {
    return reason;
  }

  public ConfigProblem problem() {
    return new ConfigProblem(path, reason);
  }
}
