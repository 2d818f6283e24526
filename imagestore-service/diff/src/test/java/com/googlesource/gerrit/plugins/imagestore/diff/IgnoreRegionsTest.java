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
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Ignore regions: pixels inside them are not compared, and the picture hatches them. */
class IgnoreRegionsTest {
  private static final int RED = 0xffff0000;
  private static final int YELLOW = 0xffffff00;
  private static final int HATCH = 0xffcfdcf0;
  private static final int HATCH_STRIPE = 0xff6f8fc8;
  private static final int WIDTH = 640;
  private static final int HEIGHT = 400;

  /** Where {@link #withClock} draws the clock, in the shell bar's right end. */
  private static final IgnoreRegion CLOCK = new IgnoreRegion(520, 4, 70, 26);

  /** A business app screenshot with a clock in its shell bar showing {@code time}. */
  private static BufferedImage withClock(String time) throws Exception {
    BufferedImage img = read(TestPngs.screenshot(WIDTH, HEIGHT, 7));
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(0x354a5f));
    g.fillRect(CLOCK.x(), CLOCK.y(), CLOCK.width(), CLOCK.height());
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(time, CLOCK.x() + 8, CLOCK.y() + 19);
    g.dispose();
    return img;
  }

  private static BufferedImage read(byte[] png) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(png));
  }

  private static ImageDiffer differ(IgnoreRegion... regions) {
    return new ImageDiffer(DiffOptions.DEFAULT.withIgnore(List.of(regions)));
  }

  private static boolean inside(IgnoreRegion r, int x, int y) {
    return x >= r.x() && x < r.right() && y >= r.y() && y < r.bottom();
  }

  @Test
  void aChangedClockInsideTheRegionIsNotCompared() throws Exception {
    byte[] a = TestPngs.encode(withClock("10:41"));
    byte[] b = TestPngs.encode(withClock("10:42"));

    DiffResult plain = differ().diff(a, b);
    assertThat(plain.mismatchedPixels()).isGreaterThan(10L);
    assertThat(plain.ignoredPixels()).isEqualTo(0);

    DiffResult ignoring = differ(CLOCK).diff(a, b);
    assertThat(ignoring.mismatchedPixels()).isEqualTo(0);
    assertThat(ignoring.antialiasedPixels()).isEqualTo(0);
    assertThat(ignoring.ignoredPixels()).isEqualTo(70L * 26);
    assertThat(ignoring.identical()).isTrue(); // of the compared pixels
    assertThat(ignoring.passes(new PassRule(0, 0))).isTrue();
    assertThat(ignoring.totalPixels()).isEqualTo((long) WIDTH * HEIGHT);

    // The picture hatches exactly the region, in colours no other pixel has; the rest is the plain
    // picture unchanged.
    BufferedImage picture = read(ignoring.diffPng());
    BufferedImage plainPicture = read(plain.diffPng());
    long stripes = 0;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int rgb = picture.getRGB(x, y);
        if (inside(CLOCK, x, y)) {
          assertThat(rgb).isAnyOf(HATCH, HATCH_STRIPE);
          stripes += rgb == HATCH_STRIPE ? 1 : 0;
        } else {
          assertThat(rgb).isEqualTo(plainPicture.getRGB(x, y));
          assertThat(rgb).isNoneOf(HATCH, HATCH_STRIPE, RED, YELLOW);
        }
      }
    }
    // Stripes and background both show: a hatch, not a fill.
    assertThat(stripes).isGreaterThan(70L * 26 / 8);
    assertThat(stripes).isLessThan(70L * 26 / 2);
  }

  @Test
  void changesOutsideTheRegionsCountAsBefore() throws Exception {
    BufferedImage changed = withClock("10:42");
    Graphics2D g = changed.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(0x0a6ed1));
    g.fillRoundRect(400, 300, 120, 32, 8, 8);
    g.setColor(Color.WHITE);
    g.drawString("Save draft", 420, 320);
    g.dispose();
    byte[] a = TestPngs.encode(withClock("10:41"));
    byte[] b = TestPngs.encode(changed);

    DiffResult plain = differ().diff(a, b);
    DiffResult ignoring = differ(CLOCK).diff(a, b);
    BufferedImage plainPicture = read(plain.diffPng());
    long redOutside = 0;
    long yellowOutside = 0;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        if (!inside(CLOCK, x, y)) {
          redOutside += plainPicture.getRGB(x, y) == RED ? 1 : 0;
          yellowOutside += plainPicture.getRGB(x, y) == YELLOW ? 1 : 0;
        }
      }
    }
    assertThat(redOutside).isGreaterThan(1000L);
    assertThat(ignoring.mismatchedPixels()).isEqualTo(redOutside);
    assertThat(ignoring.antialiasedPixels()).isEqualTo(yellowOutside);
    assertThat(ignoring.mismatchedPixels()).isLessThan(plain.mismatchedPixels());
    assertThat(ignoring.identical()).isFalse();
    // Figures alone agree with the picture's.
    assertThat(differ(CLOCK).compare(a, b).withoutPicture().toString())
        .isEqualTo(ignoring.withoutPicture().toString());
  }

  @Test
  void regionsAreClippedToTheImageAndOverlapsCountOnce() throws Exception {
    byte[] a = TestPngs.screenshot(WIDTH, HEIGHT, 3);
    byte[] b = TestPngs.screenshot(WIDTH, HEIGHT, 4);
    IgnoreRegion corner = new IgnoreRegion(600, 380, 100, 100); // 40 x 20 inside
    IgnoreRegion overlapping = new IgnoreRegion(10, 10, 50, 50);
    IgnoreRegion overlapped = new IgnoreRegion(30, 30, 50, 50);
    IgnoreRegion huge = new IgnoreRegion(0, 200, Integer.MAX_VALUE, Integer.MAX_VALUE);
    IgnoreRegion beyond = new IgnoreRegion(WIDTH, 0, 10, 10);

    assertThat(differ(corner, beyond).compare(a, b).ignoredPixels()).isEqualTo(40L * 20);
    assertThat(differ(overlapping, overlapped).compare(a, b).ignoredPixels())
        .isEqualTo(2L * 50 * 50 - 30 * 30);
    DiffResult bottomHalf = differ(huge, corner).diff(a, b);
    assertThat(bottomHalf.ignoredPixels()).isEqualTo((long) WIDTH * 200);
    BufferedImage picture = read(bottomHalf.diffPng());
    assertThat(picture.getRGB(WIDTH - 1, HEIGHT - 1)).isAnyOf(HATCH, HATCH_STRIPE);

    // Regions that miss the image change nothing, not even the picture's bytes.
    assertThat(differ(beyond).diff(a, b).diffPng()).isEqualTo(differ().diff(a, b).diffPng());
  }

  @Test
  void identicalBytesCountTheIgnoredPixelsToo() throws Exception {
    byte[] a = TestPngs.screenshot(WIDTH, HEIGHT, 5);
    DiffResult figures = differ(CLOCK).compare(a, a.clone());
    DiffResult same = differ(CLOCK).compare(a, a);
    assertThat(same.ignoredPixels()).isEqualTo(70L * 26);
    assertThat(figures.ignoredPixels()).isEqualTo(70L * 26);
    assertThat(same.identical()).isTrue();
    assertThat(ImageDiffer.identical(WIDTH, HEIGHT, DiffOptions.DEFAULT.withIgnore(List.of(CLOCK))))
        .isEqualTo(same);
    DiffResult drawn = differ(CLOCK).diff(a, a);
    assertThat(read(drawn.diffPng()).getRGB(CLOCK.x(), CLOCK.y())).isAnyOf(HATCH, HATCH_STRIPE);
    assertThat(drawn.ignoredPixels()).isEqualTo(70L * 26);
    // Not decoded: blank outside the region.
    assertThat(read(drawn.diffPng()).getRGB(0, 0)).isEqualTo(0xffffffff);
  }

  @Test
  void differentSizesStayAFullMismatch() throws Exception {
    byte[] a = TestPngs.screenshot(WIDTH, HEIGHT, 1);
    byte[] b = TestPngs.screenshot(WIDTH, HEIGHT + 10, 1);
    DiffResult r = differ(CLOCK).diff(a, b);
    assertThat(r.sizeMismatch()).isTrue();
    assertThat(r.ignoredPixels()).isEqualTo(0);
    assertThat(r.mismatchedPixels()).isEqualTo((long) WIDTH * (HEIGHT + 10));
    assertThat(r.diffPng()).isEqualTo(differ().diff(a, b).diffPng());
  }

  /** Random regions on images large enough for parallel bands, against a pixel-by-pixel mask. */
  @Test
  void randomRegionsAgreeWithAPixelMask() throws Exception {
    Random random = new Random(13);
    int width = 1100;
    int height = 700;
    byte[] a = TestPngs.screenshot(width, height, 21);
    byte[] b = TestPngs.screenshot(width, height, 22);
    DiffResult plain = differ().diff(a, b);
    BufferedImage plainPicture = read(plain.diffPng());
    for (int round = 0; round < 4; round++) {
      List<IgnoreRegion> regions = new ArrayList<>();
      for (int i = random.nextInt(12) + 1; i > 0; i--) {
        regions.add(
            new IgnoreRegion(
                random.nextInt(width + 50),
                random.nextInt(height + 50),
                random.nextInt(400) + 1,
                random.nextInt(300) + 1));
      }
      DiffResult r = differ(regions.toArray(new IgnoreRegion[0])).diff(a, b);
      BufferedImage picture = read(r.diffPng());
      long ignored = 0;
      long red = 0;
      long wrong = 0; // counted, not asserted one by one: Truth is slow over a megapixel
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          boolean masked = false;
          for (IgnoreRegion region : regions) {
            masked |= inside(region, x, y);
          }
          int rgb = picture.getRGB(x, y);
          if (masked) {
            ignored++;
            wrong += rgb == HATCH || rgb == HATCH_STRIPE ? 0 : 1;
          } else {
            wrong += rgb == plainPicture.getRGB(x, y) ? 0 : 1;
            red += rgb == RED ? 1 : 0;
          }
        }
      }
      assertThat(wrong).isEqualTo(0);
      assertThat(r.ignoredPixels()).isEqualTo(ignored);
      assertThat(r.mismatchedPixels()).isEqualTo(red);
    }
  }

  @Test
  void optionsKeepRegionsSortedWithoutDuplicates() {
    IgnoreRegion first = new IgnoreRegion(5, 0, 10, 10);
    IgnoreRegion second = new IgnoreRegion(0, 20, 10, 10);
    DiffOptions options = DiffOptions.DEFAULT.withIgnore(List.of(second, first, second));
    assertThat(options.ignore()).containsExactly(first, second).inOrder();
    assertThat(options.ignoreKey()).isEqualTo("5,0,10,10;0,20,10,10");
    assertThat(options).isEqualTo(DiffOptions.DEFAULT.withIgnore(List.of(first, second)));
    assertThat(DiffOptions.DEFAULT.ignoreKey()).isEmpty();
    assertThat(options.withThreshold(0.2).ignore()).isEqualTo(options.ignore());
    assertThrows(IllegalArgumentException.class, () -> new IgnoreRegion(-1, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new IgnoreRegion(0, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new IgnoreRegion(0, 0, 1, 0));
  }
}
