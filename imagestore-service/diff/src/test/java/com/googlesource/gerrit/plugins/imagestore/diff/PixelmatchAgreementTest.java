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

package com.googlesource.gerrit.plugins.imagestore.diff;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.googlesource.gerrit.plugins.imagestore.diff.testing.HandMadePng;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine gives pixelmatch's figures and picture: pixelmatch 7.2.0 itself (npm, installed by the
 * build into src/test/pixelmatch/node_modules) runs with node on the same PNGs, and both the
 * mismatch counts and every pixel of the diff pictures must be equal.
 */
class PixelmatchAgreementTest {
  private static final Path HARNESS = Path.of("src/test/pixelmatch").toAbsolutePath();

  @TempDir Path dir;

  private record Case(String name, byte[] a, byte[] b, DiffOptions options) {}

  @Test
  void sameCountsAndPicturesAsPixelmatch() throws Exception {
    assertWithMessage(
            "pixelmatch is not installed in %s: the build runs 'npm ci' there"
                + " (generate-test-resources); run it by hand when running this test alone",
            HARNESS)
        .that(Files.isDirectory(HARNESS.resolve("node_modules/pixelmatch")))
        .isTrue();
    DiffOptions defaults = DiffOptions.DEFAULT;
    byte[] text = ImageDifferTest.text(0);
    byte[] screen = screen(0);
    List<Case> cases =
        List.of(
            new Case("text shifted 1/4 px", text, ImageDifferTest.text(0.25), defaults),
            new Case("text shifted 1/2 px", text, ImageDifferTest.text(0.5), defaults),
            new Case("text shifted 1 px", text, ImageDifferTest.text(1), defaults),
            new Case(
                "text with fractional metrics",
                ImageDifferTest.renderedText(g -> {}),
                ImageDifferTest.renderedText(
                    g ->
                        g.setRenderingHint(
                            RenderingHints.KEY_FRACTIONALMETRICS,
                            RenderingHints.VALUE_FRACTIONALMETRICS_ON)),
                defaults),
            new Case("circle shifted 0.3 px", circle(0), circle(0.3), defaults),
            new Case("screen, changed pixels", screen, screen(1), defaults),
            new Case("screen, threshold 0.02", screen, screen(1), new DiffOptions(0.02, true)),
            new Case(
                "screen, anti-aliasing counted", screen, screen(1), new DiffOptions(0.1, false)),
            new Case("translucent noise", noise(1, 0), noise(1, 60), defaults),
            new Case(
                "same pixels, other bytes",
                screen,
                PngCodecTest.interlaced(ImageIO.read(new ByteArrayInputStream(screen))),
                defaults),
            new Case("identical bytes", screen, screen.clone(), defaults));

    StringBuilder input = new StringBuilder();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Files.write(dir.resolve(i + "a.png"), c.a());
      Files.write(dir.resolve(i + "b.png"), c.b());
      input
          .append(
              String.join(
                  "\t",
                  dir.resolve(i + "a.png").toString(),
                  dir.resolve(i + "b.png").toString(),
                  dir.resolve(i + "pixelmatch.png").toString(),
                  Double.toString(c.options().threshold()),
                  Boolean.toString(!c.options().detectAntialiasing())))
          .append('\n');
    }
    Process node =
        new ProcessBuilder("node", HARNESS.resolve("compare.mjs").toString())
            .redirectError(dir.resolve("node-stderr.log").toFile())
            .start();
    node.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
    node.getOutputStream().close();
    String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertWithMessage("pixelmatch failed: %s", Files.readString(dir.resolve("node-stderr.log")))
        .that(node.exitValue())
        .isEqualTo(0);
    String[] counts = stdout.trim().split("\n");
    assertThat(counts).hasLength(cases.size());

    List<Long> antialiased = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      DiffResult ours = new ImageDiffer(c.options()).diff(c.a(), c.b());
      assertWithMessage(c.name())
          .that(ours.mismatchedPixels())
          .isEqualTo(Long.parseLong(counts[i].trim()));
      int[] ourPicture = PngCodec.decode(ours.diffPng()).argb();
      if (Arrays.equals(c.a(), c.b())) {
        // Not decoded: a blank picture where pixelmatch fades the image.
        assertWithMessage(c.name() + ": picture")
            .that(IntStream.of(ourPicture).allMatch(argb -> argb == 0xffffffff))
            .isTrue();
        continue;
      }
      Pixels theirPicture = PngCodec.decode(Files.readAllBytes(dir.resolve(i + "pixelmatch.png")));
      assertWithMessage(c.name() + ": picture").that(ourPicture).isEqualTo(theirPicture.argb());
      antialiased.add(ours.antialiasedPixels());
    }
    // The cases do exercise the anti-aliasing detector.
    assertThat(antialiased.get(0)).isGreaterThan(300L);
  }

  private static byte[] circle(double dx) {
    BufferedImage img = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 80, 60);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(0x0a6ed1));
    g.fill(new Ellipse2D.Double(20 + dx, 10, 40, 40));
    g.dispose();
    return TestPngs.encode(img);
  }

  /** A small UI-like screen; {@code changes} > 0 sets 1 % of the pixels to other colours. */
  private static byte[] screen(int changes) {
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(0xf5f6f7));
    g.fillRect(0, 0, 320, 200);
    g.setColor(new Color(0x0a6ed1));
    g.fillRect(0, 0, 320, 30);
    g.setColor(Color.WHITE);
    g.fillRoundRect(20, 50, 280, 120, 12, 12);
    g.setColor(new Color(0x32363a));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    for (int line = 0; line < 4; line++) {
      g.drawString("Line " + line + " of a card, value " + (1234 * line), 36, 80 + 22 * line);
    }
    g.dispose();
    if (changes > 0) {
      Random r = new Random(changes);
      for (int i = 0; i < 320 * 200 / 100; i++) {
        img.setRGB(r.nextInt(320), r.nextInt(200), 0xff000000 | r.nextInt(0x1000000));
      }
    }
    return TestPngs.encode(img);
  }

  /** Random translucent pixels: the colour distance blends them over the checkerboard. */
  private static byte[] noise(long seed, int changes) {
    Random r = new Random(seed);
    int[] argb = new int[64 * 48];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = r.nextInt(256) << 24 | r.nextInt(0x1000000);
    }
    Random change = new Random(seed + 1);
    for (int i = 0; i < changes; i++) {
      argb[change.nextInt(argb.length)] ^= change.nextInt();
    }
    return HandMadePng.encode(64, 48, argb, 6, 8, new int[] {4}, -1);
  }
}
