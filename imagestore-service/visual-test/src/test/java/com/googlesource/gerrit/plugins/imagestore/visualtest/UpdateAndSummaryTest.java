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

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.MovedBlocks;
import com.googlesource.gerrit.plugins.imagestore.visualtest.CentralStep.Reviews;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.OutputFiles;
import com.googlesource.gerrit.plugins.imagestore.visualtest.UploadStep.Uploads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The update and summary steps on results as the compare step makes them, without a service. */
class UpdateAndSummaryTest {
  private static final String RUNTIME = "linux/1920x1080/chrome/sap_horizon/ltr/cozy";
  private static final ImageId OLD = ImageId.of("0123456789abcdef0123456789abcdef");
  private static final ImageId NEW = ImageId.of("fedcba9876543210fedcba9876543210");

  @TempDir Path tree;

  private ScannedImage image(String name) {
    ImageKey key = new ImageKey("", "login", RUNTIME, name);
    return new ScannedImage(
        key,
        tree.resolve(key.path() + TreeScanner.LNK),
        true,
        tree.resolve(key.path() + TreeScanner.ACT));
  }

  @Test
  void updateWritesTheLinkAsUiveri5DoesAndClearsTheFailure() throws Exception {
    ScannedImage failing = image("button");
    Files.createDirectories(failing.lnk().getParent());
    DiffResult figures = new DiffResult(10, 10, 7, 0, false, false, null);
    ImageResult failed =
        ImageResult.failed(
            failing, OLD, NEW, figures, new OutputFiles(null, failing.actual(), null));
    ImageResult passed =
        ImageResult.passed(
            image("header"), NEW, NEW, new DiffResult(10, 10, 0, 0, false, true, null));
    List<ImageResult> results = List.of(failed, passed);

    assertThat(Summary.exitCode(results, Set.of(), Uploads.NONE, Reviews.NONE))
        .isEqualTo(Workflow.FAILED);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Set<ImageKey> updated =
        UpdateStep.run(results, false, new PrintStream(out, true), new PrintStream(err, true));

    assertThat(updated).containsExactly(failing.key());
    assertThat(Files.readString(failing.lnk())).isEqualTo("uuid=" + NEW.value());
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("updated " + failing.lnk() + " -> " + NEW + System.lineSeparator());
    assertThat(err.size()).isEqualTo(0);
    assertThat(Summary.exitCode(results, updated, Uploads.NONE, Reviews.NONE))
        .isEqualTo(Workflow.OK);
  }

  @Test
  void anErrorIsBadInputAndAFailedReviewAFailure() {
    ImageResult error = ImageResult.error(image("broken"), null, "malformed link");
    ImageResult passed =
        ImageResult.passed(
            image("header"), NEW, NEW, new DiffResult(10, 10, 0, 0, false, true, null));

    assertThat(Summary.exitCode(List.of(passed, error), Set.of(), Uploads.NONE, Reviews.NONE))
        .isEqualTo(Workflow.BAD_INPUT);
    assertThat(Summary.exitCode(List.of(passed), Set.of(), Uploads.NONE, new Reviews(1, 1)))
        .isEqualTo(Workflow.FAILED);
    assertThat(
            Summary.exitCode(
                List.of(passed), Set.of(), new Uploads(0, 1, Set.of(NEW)), Reviews.NONE))
        .isEqualTo(Workflow.FAILED);
    assertThat(Summary.line(error, null)).isEqualTo("ERROR   " + error.key() + "  malformed link");
  }

  @Test
  void aMovedBlockIsDescribedWithItsDisplacement() throws Exception {
    MovedBlocks.Pair pair = new MovedBlocks(1280, 800, 1).pair(MovedBlocks.Kind.MOVE_XY);
    MovedBlocks.Move move = pair.moves().get(0);
    DiffResult figures =
        new ImageDiffer(DiffOptions.DEFAULT).compare(pair.reference(), pair.changed());
    assertThat(figures.shifts()).hasSize(1);
    ScannedImage moved = image("table");
    ImageResult failed =
        ImageResult.failed(moved, OLD, NEW, figures, new OutputFiles(null, moved.actual(), null));

    String line = Summary.line(failed, PassRule.DEFAULT);
    assertThat(line).contains("moved by (" + move.dx() + ", " + move.dy() + ")");
    assertThat(line).contains(figures.shiftedPixels() + " px");
  }
}
