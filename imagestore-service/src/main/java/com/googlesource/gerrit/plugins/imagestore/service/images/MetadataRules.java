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

package com.googlesource.gerrit.plugins.imagestore.service.images;

import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;

/** Limits on the spec and runtime fields stored with an image (the database column sizes). */
final class MetadataRules {
  static final int MAX_SPEC_FIELD = 255;
  static final int MAX_RUNTIME_FIELD = 64;

  static void check(TestSpec spec, TestRuntime runtime) {
    if (spec != null) {
      field("spec.lib", spec.lib(), MAX_SPEC_FIELD);
      field("spec.name", spec.name(), MAX_SPEC_FIELD);
      field("spec.branch", spec.branch(), MAX_SPEC_FIELD);
    }
    if (runtime != null) {
      field("runtime.platformName", runtime.platform(), MAX_RUNTIME_FIELD);
      field("runtime.platformResolution", runtime.resolution(), MAX_RUNTIME_FIELD);
      field("runtime.browserName", runtime.browser(), MAX_RUNTIME_FIELD);
      field("runtime.ui5.theme", runtime.theme(), MAX_RUNTIME_FIELD);
      field("runtime.ui5.direction", runtime.direction(), MAX_RUNTIME_FIELD);
      field("runtime.ui5.mode", runtime.mode(), MAX_RUNTIME_FIELD);
    }
  }

  private static void field(String name, String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidInputException(
          "bad_metadata", name + " is longer than " + max + " characters");
    }
  }

  private MetadataRules() {}
}
