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
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of PNG decodes to the same 8-bit ARGB pixels; the diff picture encodes validly. */
class PngCodecTest {
  private static final int W = 37;
  private static final int H = 23;

  /** Noise with flat runs: every row filter has something to predict. */
  private static int[] pixels(boolean withAlpha, boolean grey) {
    Random r = new Random(42);
    int[] argb = new int[W * H];
    for (int i = 0; i < argb.length; i++) {
      int v = i % 7 < 3 ? 0x80a0c0 : r.nextInt(0x1000000);
      if (grey) {
        int g = v & 0xff;
        v = g << 16 | g << 8 | g;
      }
      int alpha = withAlpha ? r.nextInt(256) : 255;
      argb[i] = alpha << 24 | v;
    }
    return argb;
  }

  @ParameterizedTest(name = "colour type {0}")
  @ValueSource(ints = {0, 2, 4, 6})
  void everyRowFilterAndBothBitDepths(int colorType) throws Exception {
    boolean alpha = colorType == 4 || colorType == 6;
    boolean grey = colorType == 0 || colorType == 4;
    int[] expected = pixels(alpha, grey);
    for (int bitDepth : new int[] {8, 16}) {
      for (int[] filters :
          List.of(
              new int[] {0},
              new int[] {1},
              new int[] {2},
              new int[] {3},
              new int[] {4},
              new int[] {0, 1, 2, 3, 4})) {
        byte[] png = HandMadePng.encode(W, H, expected, colorType, bitDepth, filters, -1);
        Pixels decoded = PngCodec.decode(png);
        assertThat(decoded.width()).isEqualTo(W);
        assertThat(decoded.height()).isEqualTo(H);
        assertThat(decoded.argb()).isEqualTo(expected);
      }
    }
  }

  @Test
  void rgbWithTransparentColour() throws Exception {
    int[] argb = pixels(false, false);
    argb[5] = 0xff123456;
    byte[] png = HandMadePng.encode(W, H, argb, 2, 8, new int[] {4}, 0x123456);
    int[] expected = argb.clone();
    expected[5] = 0x00123456;
    assertThat(PngCodec.decode(png).argb()).isEqualTo(expected);
  }

  @Test
  void greyIsReadAsStoredNotGammaConverted() throws Exception {
    BufferedImage grey = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        grey.getRaster().setSample(x, y, 0, (x * 7 + y) & 0xff);
      }
    }
    Pixels decoded = PngCodec.decode(TestPngs.encode(grey));
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int g = (x * 7 + y) & 0xff;
        assertThat(decoded.argb()[y * W + x]).isEqualTo(0xff000000 | g << 16 | g << 8 | g);
      }
    }
  }

  @Test
  void sixteenBitGreyIsRoundedToEightBits() throws Exception {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 0x8080); // 32896 / 257 = 128
    grey.getRaster().setSample(1, 0, 0, 0x8101); // 33025 / 257 = 128.502: rounds up
    int[] argb = PngCodec.decode(TestPngs.encode(grey)).argb();
    assertThat(argb).isEqualTo(new int[] {0xff808080, 0xff818181});
  }

  @Test
  void paletteOfEightAndFourBits() throws Exception {
    byte[] r = {0, (byte) 255, 0, 10};
    byte[] g = {0, 0, (byte) 255, 20};
    byte[] b = {0, 0, 0, 30};
    byte[] a = {(byte) 255, (byte) 255, (byte) 128, 0};
    for (int type : new int[] {BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_BYTE_BINARY}) {
      int bits = type == BufferedImage.TYPE_BYTE_INDEXED ? 8 : 2;
      BufferedImage img = new BufferedImage(W, H, type, new IndexColorModel(bits, 4, r, g, b, a));
      int[] expected = new int[W * H];
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int index = (x + 2 * y) % 4;
          img.getRaster().setSample(x, y, 0, index);
          expected[y * W + x] =
              (a[index] & 0xff) << 24
                  | (r[index] & 0xff) << 16
                  | (g[index] & 0xff) << 8
                  | (b[index] & 0xff);
        }
      }
      assertThat(PngCodec.decode(TestPngs.encode(img)).argb()).isEqualTo(expected);
    }
  }

  @Test
  void interlacedDecodesLikeProgressiveWriterWrote() throws Exception {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB);
    int[] expected = pixels(true, false);
    img.setRGB(0, 0, W, H, expected, 0, W);
    byte[] png = interlaced(img);
    assertThat(png[28]).isEqualTo((byte) 1); // the IHDR says Adam7
    assertThat(PngCodec.decode(png).argb()).isEqualTo(expected);
  }

  static byte[] interlaced(BufferedImage img) throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  @Test
  void damagedImagesAreRefused() {
    byte[] good = HandMadePng.encode(W, H, pixels(false, false), 2, 8, new int[] {1}, -1);
    byte[] truncated = Arrays.copyOf(good, good.length - 40);
    byte[] garbage = good.clone();
    for (int i = 60; i < 90; i++) {
      garbage[i] ^= 0x5a; // inside the image data
    }
    byte[] oneBit = good.clone();
    oneBit[70] ^= 0x10; // one bit of the compressed data: the chunk's CRC no longer matches
    for (byte[] bad :
        List.of(
            new byte[0],
            "not a png".getBytes(),
            Arrays.copyOf(good, 20),
            truncated,
            garbage,
            oneBit)) {
      assertThrows(UndecodableImageException.class, () -> PngCodec.decode(bad));
    }
  }

  @Test
  void palettePictureReadsBackWithImageIo() throws Exception {
    int w = 300;
    int h = 200;
    byte[] rows = new byte[h * (w + 1)];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        rows[y * (w + 1) + 1 + x] = (byte) ((x / 10 + y / 10) % 3);
      }
    }
    int[] palette = {0xffffff, 0xff0000, 0x00ff00};
    // In three parts, as the differ compresses bands of rows in parallel.
    int third = (h / 3) * (w + 1);
    List<byte[]> parts =
        List.of(
            PngCodec.deflatePart(rows, 0, third, w + 1, false),
            PngCodec.deflatePart(rows, third, 2 * third, w + 1, false),
            PngCodec.deflatePart(rows, 2 * third, rows.length, w + 1, true));
    byte[] png = PngCodec.encodePalette(w, h, rows, parts, palette);
    BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(read.getWidth()).isEqualTo(w);
    assertThat(read.getHeight()).isEqualTo(h);
    for (int y = 0; y < h; y += 7) {
      for (int x = 0; x < w; x += 3) {
        assertThat(read.getRGB(x, y) & 0xffffff).isEqualTo(palette[(x / 10 + y / 10) % 3]);
      }
    }
    // Our own decoder agrees (it goes through ImageIO for palettes).
    assertThat(PngCodec.decode(png).argb()[0]).isEqualTo(0xffffffff);
  }
}
