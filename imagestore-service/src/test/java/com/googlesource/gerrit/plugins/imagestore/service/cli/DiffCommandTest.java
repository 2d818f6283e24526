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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.cli.CliTest.run;

import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.HandMadePng;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.cli.CliTest.Result;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diff A.png B.png}: figures on standard output, the verdict in the exit code. */
class DiffCommandTest {
  @TempDir Path tmp;

  @AfterAll
  static void resetLogging() throws Exception {
    // execute() pointed java.util.logging at the redirected standard error; point it back.
    LogManager.getLogManager().readConfiguration();
  }

  /** A white 100x100 image with {@code dots} black pixels on row 50. */
  private Path image(String name, int dots, int height) throws Exception {
    BufferedImage img = new BufferedImage(100, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < 100; x++) {
        img.setRGB(x, y, 0xffffffff);
      }
    }
    for (int i = 0; i < dots; i++) {
      img.setRGB(i * 3 % 100, 50 + i * 3 / 100, 0xff000000);
    }
    return Files.write(tmp.resolve(name), TestPngs.encode(img));
  }

  @Test
  void belowTheRulePassesAndWritesThePicture() throws Exception {
    Path a = image("a.png", 0, 100);
    Path b = image("b.png", 9, 100);
    Path out = tmp.resolve("out/diff.png");
    Result r = run("", "diff", a.toString(), b.toString(), "--out", out.toString());
    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    assertThat(r.out()).startsWith("passed: 9 of 10000 pixels mismatched (0.0900 %)");
    BufferedImage picture = ImageIO.read(out.toFile());
    assertThat(picture.getWidth()).isEqualTo(100);
    assertThat(picture.getRGB(0, 50)).isEqualTo(0xffff0000);
  }

  @Test
  void atTheRuleFailsWithExitCode1() throws Exception {
    Path a = image("a.png", 0, 100);
    Path b = image("b.png", 10, 100); // min(0.1 % of 10,000, 200) = 10: not below
    Result r = run("", "diff", a.toString(), b.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAILED: 10 of 10000 pixels mismatched");
    // The rule is configurable.
    Result lenient = run("", "diff", a.toString(), b.toString(), "--max-mismatch-percentage", "1");
    assertThat(lenient.exit()).isEqualTo(0);
    Result strict =
        run(
            "",
            "diff",
            a.toString(),
            b.toString(),
            "--max-mismatched-pixels",
            "5",
            "--max-mismatch-percentage",
            "1");
    assertThat(strict.exit()).isEqualTo(1);
  }

  @Test
  void jsonHasTheFigures() throws Exception {
    Path a = image("a.png", 0, 100);
    Path b = image("b.png", 3, 100);
    Result r = run("", "diff", a.toString(), b.toString(), "--json", "--threshold", "0.2");
    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    DiffInfo info = Json.gson().fromJson(r.out(), DiffInfo.class);
    assertThat(info.mismatchedPixels).isEqualTo(3);
    assertThat(info.width).isEqualTo(100);
    assertThat(info.threshold).isEqualTo(0.2);
    assertThat(info.passed).isTrue();
    assertThat(info.uuidA).isNull();
  }

  @Test
  void ignoredRegionsAreLeftOutOfTheComparison() throws Exception {
    Path a = image("a.png", 0, 100);
    Path b = image("b.png", 300, 100); // rows 50 to 58 differ: fails the default rule
    assertThat(run("", "diff", a.toString(), b.toString()).exit()).isEqualTo(1);

    Result r = run("", "diff", a.toString(), b.toString(), "--ignore", "0,50,100,9", "--json");
    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    DiffInfo info = Json.gson().fromJson(r.out(), DiffInfo.class);
    assertThat(info.mismatchedPixels).isEqualTo(0);
    assertThat(info.ignoredPixels).isEqualTo(900);
    assertThat(info.ignore).hasSize(1);
    assertThat(info.ignore.get(0).width).isEqualTo(100);

    Result text =
        run(
            "",
            "diff",
            a.toString(),
            b.toString(),
            "--ignore",
            "0,50,100,2",
            "--ignore",
            "0,52,100,7");
    assertWithMessage(text.err()).that(text.exit()).isEqualTo(0);
    assertThat(text.out()).contains("900 ignored");

    Result bad = run("", "diff", a.toString(), b.toString(), "--ignore", "0,50,0,9");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--ignore must be x,y,width,height");
  }

  @Test
  void identicalFilesAndDifferentSizes() throws Exception {
    Path a = image("a.png", 4, 100);
    Path copy = Files.copy(a, tmp.resolve("copy.png"));
    Result same = run("", "diff", a.toString(), copy.toString());
    assertThat(same.exit()).isEqualTo(0);
    assertThat(same.out()).contains("0 of 10000 pixels mismatched");
    assertThat(same.out()).contains("identical");

    Result taller = run("", "diff", a.toString(), image("taller.png", 4, 110).toString());
    assertThat(taller.exit()).isEqualTo(1);
    assertThat(taller.out()).contains("11000 of 11000 pixels mismatched");
    assertThat(taller.out()).contains("the sizes differ");
  }

  @Test
  void badInputExitsWith2() throws Exception {
    Path a = image("a.png", 0, 100);
    Path text = Files.writeString(tmp.resolve("text.png"), "not a png");
    Path broken =
        Files.write(tmp.resolve("broken.png"), TestPngs.undecodable(Files.readAllBytes(a)));

    Result missing = run("", "diff", a.toString(), tmp.resolve("nope.png").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");

    Result notPng = run("", "diff", text.toString(), a.toString());
    assertThat(notPng.exit()).isEqualTo(2);
    assertThat(notPng.err()).contains(text + ": not a PNG image");

    Result undecodable = run("", "diff", a.toString(), broken.toString());
    assertThat(undecodable.exit()).isEqualTo(2);
    assertThat(undecodable.err()).contains(broken.toString());

    // Sizes whose union is beyond the pixel limit (46340 squared once overflowed the picture's
    // array): refused before anything is decoded, naming both files.
    Path wide = Files.write(tmp.resolve("wide.png"), HandMadePng.blank(46340, 1, 2, 8, 1));
    Path tall = Files.write(tmp.resolve("tall.png"), HandMadePng.blank(1, 46340, 2, 8, 1));
    Result crossed =
        run("", "diff", wide.toString(), tall.toString(), "--out", "" + tmp.resolve("d.png"));
    assertThat(crossed.exit()).isEqualTo(2);
    assertThat(crossed.err())
        .contains(
            "cannot compare "
                + wide
                + " and "
                + tall
                + ": the images (46340x1 and 1x46340)"
                + " together cover 46340x46340 pixels, more than the limit of 67108864");
    assertThat(Files.exists(tmp.resolve("d.png"))).isFalse();

    Result badThreshold = run("", "diff", a.toString(), a.toString(), "--threshold", "2");
    assertThat(badThreshold.exit()).isEqualTo(2);
    assertThat(badThreshold.err()).contains("threshold");
  }
}
