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

import com.googlesource.gerrit.plugins.imagestore.diff.testing.HandMadePng;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.GlyphVector;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The diff engine on real PNGs. */
class ImageDifferTest {
  private static final int RED = 0xffff0000;
  private static final int YELLOW = 0xffffff00;
  private static final ImageDiffer DIFFER = new ImageDiffer(DiffOptions.DEFAULT);
  private static final ImageDiffer COUNTING_ANTIALIASING =
      new ImageDiffer(DiffOptions.DEFAULT.withAntialiasingDetection(false));

  private static BufferedImage white(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  /**
   * Black anti-aliased text on white, {@code dx} pixels to the right: drawn as glyph outlines, so
   * that a fraction of a pixel moves only the anti-aliased edges.
   */
  static byte[] text(double dx) {
    BufferedImage img = white(240, 70);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(Color.BLACK);
    Font font = new Font(Font.SANS_SERIF, Font.BOLD, 30);
    GlyphVector glyphs = font.createGlyphVector(g.getFontRenderContext(), "Hello, World");
    g.fill(glyphs.getOutline((float) (10 + dx), 45f));
    g.dispose();
    return TestPngs.encode(img);
  }

  /** Black text rendered as text, anti-aliased; {@code tweak} changes how. */
  static byte[] renderedText(Consumer<Graphics2D> tweak) {
    BufferedImage img = white(220, 60);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 28));
    tweak.accept(g);
    g.drawString("Hello, World", 10, 40);
    g.dispose();
    return TestPngs.encode(img);
  }

  private static BufferedImage read(byte[] png) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(png));
  }

  @Test
  void textShiftedByAFractionOfAPixelDiffersOnlyInAntialiasing() throws Exception {
    byte[] a = text(0);
    byte[] b = text(0.25);
    DiffResult withDetection = DIFFER.diff(a, b);
    DiffResult counted = COUNTING_ANTIALIASING.compare(a, b);

    assertThat(withDetection.identical()).isFalse();
    assertThat(withDetection.antialiasedPixels()).isGreaterThan(300L);
    // Without the detector the same pixels are mismatches; with it, hardly any are (the few left
    // are where two glyphs' edges touch; pixelmatch finds the same, see PixelmatchAgreementTest).
    assertThat(counted.mismatchedPixels())
        .isEqualTo(withDetection.mismatchedPixels() + withDetection.antialiasedPixels());
    assertThat(withDetection.mismatchedPixels()).isAtMost(10L);
    assertThat(withDetection.passes(PassRule.DEFAULT)).isTrue();
    assertThat(counted.passes(PassRule.DEFAULT)).isFalse();

    // The picture marks the anti-aliased pixels yellow, the rest red, over the faded text.
    BufferedImage picture = read(withDetection.diffPng());
    long yellow = 0;
    long red = 0;
    for (int y = 0; y < picture.getHeight(); y++) {
      for (int x = 0; x < picture.getWidth(); x++) {
        yellow += picture.getRGB(x, y) == YELLOW ? 1 : 0;
        red += picture.getRGB(x, y) == RED ? 1 : 0;
      }
    }
    assertThat(yellow).isEqualTo(withDetection.antialiasedPixels());
    assertThat(red).isEqualTo(withDetection.mismatchedPixels());
  }

  @Test
  void textShiftedByOnePixelOrRenderedOtherwiseKeepsRealChanges() throws Exception {
    byte[] plain = renderedText(g -> {});
    List<byte[][]> pairs =
        List.of(
            new byte[][] {text(0), text(1)},
            new byte[][] {plain, renderedText(g -> g.translate(1, 0))},
            new byte[][] {
              plain,
              renderedText(
                  g ->
                      g.setRenderingHint(
                          RenderingHints.KEY_FRACTIONALMETRICS,
                          RenderingHints.VALUE_FRACTIONALMETRICS_ON))
            });
    for (byte[][] pair : pairs) {
      byte[] a = pair[0];
      byte[] b = pair[1];
      DiffResult withDetection = DIFFER.compare(a, b);
      DiffResult counted = COUNTING_ANTIALIASING.compare(a, b);
      // Glyphs that moved by whole pixels change their solid stems too: those stay mismatches.
      assertThat(withDetection.mismatchedPixels()).isGreaterThan(0L);
      assertThat(withDetection.antialiasedPixels()).isGreaterThan(0L);
      assertThat(counted.mismatchedPixels())
          .isEqualTo(withDetection.mismatchedPixels() + withDetection.antialiasedPixels());
    }
  }

  @Test
  void oneChangedPixel() throws Exception {
    BufferedImage img = white(100, 100);
    byte[] a = TestPngs.encode(img);
    img.setRGB(42, 17, 0xff000000);
    byte[] b = TestPngs.encode(img);

    DiffResult r = DIFFER.diff(a, b);
    assertThat(r.width()).isEqualTo(100);
    assertThat(r.height()).isEqualTo(100);
    assertThat(r.mismatchedPixels()).isEqualTo(1);
    assertThat(r.antialiasedPixels()).isEqualTo(0);
    assertThat(r.mismatchPercentage()).isEqualTo(0.01);
    assertThat(r.identical()).isFalse();
    assertThat(r.sizeMismatch()).isFalse();
    // 1 < min(0.1 % of 10,000 = 10, 200)
    assertThat(r.passes(PassRule.DEFAULT)).isTrue();
    assertThat(r.passes(new PassRule(0.1, 1))).isFalse();

    BufferedImage picture = read(r.diffPng());
    assertThat(picture.getWidth()).isEqualTo(100);
    assertThat(picture.getRGB(42, 17)).isEqualTo(RED);
    assertThat(picture.getRGB(0, 0)).isEqualTo(0xffffffff); // white stays white when faded
  }

  @Test
  void aShiftedDotIsTwoMismatches() throws Exception {
    BufferedImage img = white(50, 50);
    img.setRGB(10, 10, 0xff000000);
    byte[] a = TestPngs.encode(img);
    img.setRGB(10, 10, 0xffffffff);
    img.setRGB(11, 10, 0xff000000);
    DiffResult r = DIFFER.diff(a, TestPngs.encode(img));
    assertThat(r.mismatchedPixels()).isEqualTo(2);
    BufferedImage picture = read(r.diffPng());
    assertThat(picture.getRGB(10, 10)).isEqualTo(RED);
    assertThat(picture.getRGB(11, 10)).isEqualTo(RED);
    // The rest is the first image faded: its black dot became the darkest grey, 229.
    assertThat(picture.getRGB(12, 10)).isEqualTo(0xffffffff);
  }

  @Test
  void fadedGreysFollowBrightness() throws Exception {
    BufferedImage img = white(3, 1);
    img.setRGB(0, 0, 0xff000000);
    img.setRGB(1, 0, 0xff808080);
    // The same pixels in other bytes: decoded, so faded (identical bytes give a blank picture).
    BufferedImage picture =
        read(DIFFER.diff(TestPngs.encode(img), PngCodecTest.interlaced(img)).diffPng());
    assertThat(picture.getRGB(0, 0)).isEqualTo(0xffe5e5e5); // 255 - 25.5 rounded: 229
    assertThat(picture.getRGB(1, 0)).isEqualTo(0xfff2f2f2); // 255 - 12.7: 242
    assertThat(picture.getRGB(2, 0)).isEqualTo(0xffffffff);
  }

  @Test
  void differencesBelowTheThresholdMatch() throws Exception {
    BufferedImage img = white(20, 20);
    byte[] a = TestPngs.encode(img);
    img.setRGB(5, 5, 0xfff0f0f0); // a faint grey on white
    byte[] b = TestPngs.encode(img);
    DiffResult r = DIFFER.compare(a, b);
    assertThat(r.identical()).isFalse();
    assertThat(r.mismatchedPixels()).isEqualTo(0);
    assertThat(new ImageDiffer(new DiffOptions(0.01, true)).compare(a, b).mismatchedPixels())
        .isEqualTo(1);
  }

  @Test
  void transparentPixelsMatchWhateverTheirColour() throws Exception {
    int[] a = new int[16];
    int[] b = new int[16];
    Arrays.fill(a, 0x00ff0000);
    Arrays.fill(b, 0x0000ff00);
    b[3] = 0xff00ff00; // opaque: differs
    byte[] pa = HandMadePng.encode(4, 4, a, 6, 8, new int[] {0}, -1);
    byte[] pb = HandMadePng.encode(4, 4, b, 6, 8, new int[] {0}, -1);
    assertThat(DIFFER.compare(pa, pb).mismatchedPixels()).isEqualTo(1);
  }

  @Test
  void aDifferentSizeIsAFullMismatch() throws Exception {
    byte[] a = TestPngs.encode(white(100, 100));
    byte[] b = TestPngs.encode(white(100, 120));
    DiffResult r = DIFFER.diff(a, b);
    assertThat(r.sizeMismatch()).isTrue();
    assertThat(r.identical()).isFalse();
    assertThat(r.width()).isEqualTo(100);
    assertThat(r.height()).isEqualTo(120);
    assertThat(r.mismatchedPixels()).isEqualTo(12_000);
    assertThat(r.mismatchPercentage()).isEqualTo(100.0);
    assertThat(r.passes(PassRule.DEFAULT)).isFalse();
    BufferedImage picture = read(r.diffPng());
    assertThat(picture.getHeight()).isEqualTo(120);
    assertThat(picture.getRGB(50, 50)).isEqualTo(0xffffffff); // both white there
    assertThat(picture.getRGB(50, 110)).isEqualTo(RED); // only in B
  }

  @Test
  void identicalBytesAreEqualWithoutDecoding() throws Exception {
    // A valid header over image data that cannot be inflated: decoding it would fail.
    byte[] good = TestPngs.png(64, 32, 5);
    byte[] undecodable = TestPngs.undecodable(good);
    assertThrows(UndecodableImageException.class, () -> PngCodec.decode(undecodable));

    DiffResult r = DIFFER.compare(undecodable, undecodable.clone());
    assertThat(r.identical()).isTrue();
    assertThat(r.mismatchedPixels()).isEqualTo(0);
    assertThat(r.width()).isEqualTo(64);
    assertThat(r.height()).isEqualTo(32);
    assertThat(r.diffPng()).isNull();
    assertThat(r.passes(new PassRule(0, 0))).isTrue();

    UndecodableImageException e =
        assertThrows(UndecodableImageException.class, () -> DIFFER.compare(good, undecodable));
    assertThat(e.image()).isEqualTo(Side.B);

    // With the picture too: a blank one of the image's size.
    DiffResult withPicture = DIFFER.diff(undecodable, undecodable.clone());
    assertThat(withPicture.identical()).isTrue();
    assertThat(withPicture.mismatchedPixels()).isEqualTo(0);
    BufferedImage picture = read(withPicture.diffPng());
    assertThat(picture.getWidth()).isEqualTo(64);
    assertThat(picture.getHeight()).isEqualTo(32);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 64; x++) {
        assertThat(picture.getRGB(x, y)).isEqualTo(0xffffffff);
      }
    }
  }

  @Test
  void samePixelsInOtherEncodingsAreIdentical() throws Exception {
    byte[] r = {0, (byte) 255, 0};
    byte[] g = {0, 0, (byte) 200};
    byte[] b = {0, 0, 0};
    BufferedImage palette =
        new BufferedImage(
            40, 30, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 3, r, g, b));
    BufferedImage rgb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        int i = (x * y) % 3;
        palette.getRaster().setSample(x, y, 0, i);
        rgb.setRGB(x, y, (r[i] & 0xff) << 16 | (g[i] & 0xff) << 8 | (b[i] & 0xff));
      }
    }
    DiffResult result = DIFFER.diff(TestPngs.encode(palette), PngCodecTest.interlaced(rgb));
    assertThat(result.identical()).isTrue();
    assertThat(result.mismatchedPixels()).isEqualTo(0);
  }

  @Test
  void largeImagesSplitIntoBandsGiveTheSameFigures() throws Exception {
    // Big enough to be compared in parallel bands on a multi-core machine.
    BufferedImage img = white(1200, 900);
    byte[] a = TestPngs.encode(img);
    for (int i = 0; i < 900; i++) {
      img.setRGB((i * 37) % 1200, i, 0xff000000);
    }
    DiffResult r = DIFFER.diff(a, TestPngs.encode(img));
    assertThat(r.mismatchedPixels()).isEqualTo(900);
    BufferedImage picture = read(r.diffPng());
    for (int i = 0; i < 900; i++) {
      assertThat(picture.getRGB((i * 37) % 1200, i)).isEqualTo(RED);
    }
  }

  @Test
  void optionsAndRulesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new DiffOptions(-0.1, true));
    assertThrows(IllegalArgumentException.class, () -> new DiffOptions(1.5, true));
    assertThrows(IllegalArgumentException.class, () -> new DiffOptions(Double.NaN, true));
    assertThat(new DiffOptions(0.12345678, true).thresholdMillionths()).isEqualTo(123457);
    assertThrows(IllegalArgumentException.class, () -> new PassRule(101, 1));
    assertThrows(IllegalArgumentException.class, () -> new PassRule(1, -1));

    // UIVeri5's rule: below min(0.1 % of the pixels, 200).
    long fullHd = 1920 * 1080;
    assertThat(PassRule.DEFAULT.allowedMismatchedPixels(fullHd)).isEqualTo(200.0);
    assertThat(PassRule.DEFAULT.passes(199, fullHd)).isTrue();
    assertThat(PassRule.DEFAULT.passes(200, fullHd)).isFalse();
    assertThat(PassRule.DEFAULT.allowedMismatchedPixels(10_000)).isEqualTo(10.0);
    assertThat(PassRule.DEFAULT.passes(9, 10_000)).isTrue();
    assertThat(PassRule.DEFAULT.passes(10, 10_000)).isFalse();
  }
}
