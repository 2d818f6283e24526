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

package com.googlesource.gerrit.plugins.imagestore.service.diffs;

import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.RegionInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ShiftInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.diff.Shift;
import java.util.ArrayList;

/** The diff engine's figures as the client library's wire type; the engine knows no wire types. */
public final class DiffInfos {
  private DiffInfos() {}

  /** The figures of {@code result} with the verdict of {@code rule}; ids may be null. */
  public static DiffInfo of(
      DiffResult result, DiffOptions options, PassRule rule, String uuidA, String uuidB) {
    DiffInfo info = new DiffInfo();
    info.uuidA = uuidA;
    info.uuidB = uuidB;
    info.width = result.width();
    info.height = result.height();
    info.mismatchedPixels = result.mismatchedPixels();
    info.mismatchPercentage = result.mismatchPercentage();
    info.antialiasedPixels = result.antialiasedPixels();
    info.sizeMismatch = result.sizeMismatch();
    info.identical = result.identical();
    info.passed = result.passes(rule);
    info.threshold = options.threshold();
    info.includeAntialiasing = !options.detectAntialiasing();
    info.maxMismatchPercentage = rule.maxMismatchPercentage();
    info.maxMismatchedPixels = rule.maxMismatchedPixels();
    info.allowedMismatchedPixels = rule.allowedMismatchedPixels(result.totalPixels());
    info.ignore =
        options.ignore().stream()
            .map(r -> new RegionInfo(r.x(), r.y(), r.width(), r.height()))
            .toList();
    info.ignoredPixels = result.ignoredPixels();
    info.shifts = new ArrayList<>(result.shifts().size());
    for (Shift s : result.shifts()) {
      ShiftInfo shift = new ShiftInfo();
      shift.x = s.x();
      shift.y = s.y();
      shift.width = s.width();
      shift.height = s.height();
      shift.dx = s.dx();
      shift.dy = s.dy();
      shift.mismatchedPixels = s.mismatchedPixels();
      info.shifts.add(shift);
    }
    info.shiftedPixels = result.shiftedPixels();
    return info;
  }
}
