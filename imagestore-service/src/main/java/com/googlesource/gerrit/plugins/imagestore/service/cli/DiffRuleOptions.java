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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How images are compared and when a comparison passes (UIVeri5's rule): shared options. */
final class DiffRuleOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--threshold",
      paramLabel = "0..1",
      defaultValue = "0.1",
      description =
          "How different two colours may look and still match (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(
      names = "--include-antialiasing",
      description = "Count anti-aliased pixels as mismatches too.")
  boolean includeAntialiasing;

  @Option(
      names = "--max-mismatch-percentage",
      paramLabel = "PERCENT",
      defaultValue = "0.1",
      description =
          "Passes only below this percentage of mismatched pixels (default: ${DEFAULT-VALUE}).")
  double maxMismatchPercentage;

  @Option(
      names = "--max-mismatched-pixels",
      paramLabel = "N",
      defaultValue = "200",
      description = "... and below this many mismatched pixels (default: ${DEFAULT-VALUE}).")
  long maxMismatchedPixels;

  /** The comparison options; a bad value is a usage error (exit code 2). */
  DiffOptions diffOptions() {
    try {
      return new DiffOptions(threshold, !includeAntialiasing);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The pass rule; a bad value is a usage error (exit code 2). */
  PassRule passRule() {
    try {
      return new PassRule(maxMismatchPercentage, maxMismatchedPixels);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
