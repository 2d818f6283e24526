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

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * PNG in and out for the diff engine. Decoding has a fast path for what browsers' screenshots are
 * (8-bit RGB or RGBA, not interlaced; see {@link ZlibInflater}) and hands every other PNG to the
 * JDK's ImageIO, which reads all of them. Encoding writes the diff picture as a palette PNG: it has
 * few colours, so one byte a pixel is exact, and its rows compress with runs and copies of the row
 * above ({@link PictureDeflater}).
 */
public final class PngCodec {
  // First: the chunk types below are read with it.
  private static final VarHandle BIG_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private static final int IDAT = chunkType("IDAT");
  private static final int IEND = chunkType("IEND");
  private static final int TRNS = chunkType("tRNS");

  /** Decodes a PNG of any colour type, bit depth and interlacing into 8-bit ARGB pixels. */
  public static Pixels decode(byte[] png) throws UndecodableImageException {
    return decode(png, false);
  }

  /**
   * As {@link #decode(byte[])}; with {@code scratchPixels}, the fast path takes the pixels' array
   * from {@link ScratchArrays}, for the caller to give back when done with it.
   */
  static Pixels decode(byte[] png, boolean scratchPixels) throws UndecodableImageException {
    PngHeader h = PngHeader.parse(png);
    if (h.width() * (long) h.height() > Integer.MAX_VALUE - 8) {
      throw new UndecodableImageException(
          "the PNG has too many pixels (" + h.width() + "x" + h.height() + ")");
    }
    if (hasFastPath(h)) {
      Pixels fast = decodeRgb8(png, h, scratchPixels);
      if (fast != null) {
        return fast;
      }
    }
    return decodeWithImageIo(png);
  }

  /** Whether {@link #decode} tries its fast path: 8-bit RGB or RGBA, not interlaced. */
  static boolean hasFastPath(PngHeader h) {
    return h.bitDepth() == 8 && (h.colorType() == 2 || h.colorType() == 6) && h.interlace() == 0;
  }

  /**
   * The fast path: inflates the image data in one go, undoes the row filters and packs the pixels.
   * Null when the PNG has a tRNS chunk (a transparent colour), which ImageIO handles.
   */
  private static Pixels decodeRgb8(byte[] png, PngHeader h, boolean scratchPixels)
      throws UndecodableImageException {
    int[] idat = idatChunks(png);
    if (idat == null) {
      return null;
    }
    int width = h.width();
    int height = h.height();
    int channels = h.colorType() == 6 ? 4 : 3;
    long rowBytes = 1 + (long) width * channels;
    if (rowBytes * height > Integer.MAX_VALUE - 8) {
      throw new UndecodableImageException("the PNG is too large to decode");
    }
    int stride = (int) rowBytes;
    // Inflating writes every byte of it (or fails): a used array does.
    byte[] raw = ScratchArrays.bytes(stride * height);
    try {
      inflate(png, idat, raw);
      int[] argb = scratchPixels ? ScratchArrays.ints(width * height) : new int[width * height];
      unfilterAndPack(raw, stride, channels, width, height, argb);
      return new Pixels(width, height, argb);
    } finally {
      ScratchArrays.give(raw);
    }
  }

  /** Undoes the row filters of {@code raw} in place and packs every pixel into {@code argb}. */
  private static void unfilterAndPack(
      byte[] raw, int stride, int channels, int width, int height, int[] argb)
      throws UndecodableImageException {
    byte[] zeros = new byte[stride];
    for (int y = 0, row = 0, out = 0; y < height; y++, row += stride, out += width) {
      if (y == 0) {
        unfilter(raw, row, zeros, 0, stride, channels);
      } else {
        unfilter(raw, row, raw, row - stride, stride, channels);
      }
      if (channels == 4) {
        for (int x = 0, i = row + 1; x < width; x++, i += 4) {
          // RGBA to ARGB.
          argb[out + x] = Integer.rotateRight((int) BIG_ENDIAN_INT.get(raw, i), 8);
        }
      } else {
        for (int x = 0, i = row + 1; x < width; x++, i += 3) {
          argb[out + x] =
              0xff000000 | (raw[i] & 0xff) << 16 | (raw[i + 1] & 0xff) << 8 | (raw[i + 2] & 0xff);
        }
      }
    }
  }

  /**
   * Inflates the IDAT chunks' data (joined, when there are several) into {@code raw}. Their CRCs
   * are checked instead of the zlib stream's Adler-32: the same protection, computed over the
   * compressed bytes rather than 40 times as many inflated ones.
   */
  private static void inflate(byte[] png, int[] idat, byte[] raw) throws UndecodableImageException {
    CRC32 crc = new CRC32();
    for (int i = 0; i < idat.length; i += 2) {
      crc.reset();
      crc.update(png, idat[i] - 4, 4 + idat[i + 1]);
      if ((int) crc.getValue() != readInt(png, idat[i] + idat[i + 1])) {
        throw new UndecodableImageException("the PNG's image data is damaged (chunk checksum)");
      }
    }
    if (idat.length == 2) {
      ZlibInflater.inflate(png, idat[0], idat[0] + idat[1], raw, false);
      return;
    }
    int total = 0;
    for (int i = 1; i < idat.length; i += 2) {
      total += idat[i];
    }
    byte[] joined = new byte[total];
    for (int i = 0, at = 0; i < idat.length; i += 2) {
      System.arraycopy(png, idat[i], joined, at, idat[i + 1]);
      at += idat[i + 1];
    }
    ZlibInflater.inflate(joined, 0, total, raw, false);
  }

  /**
   * The offsets and lengths of the IDAT chunks' data, in pairs; null when a tRNS chunk is there.
   */
  private static int[] idatChunks(byte[] png) throws UndecodableImageException {
    int[] chunks = new int[16];
    int count = 0;
    int pos = 8;
    while (true) {
      if (pos > png.length - 12) {
        throw new UndecodableImageException("the PNG is truncated");
      }
      int length = readInt(png, pos);
      int type = readInt(png, pos + 4);
      if (length < 0 || length > png.length - pos - 12) {
        throw new UndecodableImageException("the PNG is truncated inside a chunk");
      }
      if (type == TRNS) {
        return null;
      } else if (type == IDAT) {
        if (count + 2 > chunks.length) {
          chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        chunks[count++] = pos + 8;
        chunks[count++] = length;
      } else if (type == IEND) {
        break;
      }
      pos += 12 + length;
    }
    if (count == 0) {
      throw new UndecodableImageException("the PNG has no image data");
    }
    return Arrays.copyOf(chunks, count);
  }

  /**
   * Undoes the PNG row filter of the row at {@code buf[row..row + n)} (its filter byte first) in
   * place; the row above is at {@code above[prev..]}.
   */
  private static void unfilter(byte[] buf, int row, byte[] above, int prev, int n, int bpp)
      throws UndecodableImageException {
    int end = row + n;
    int up = prev - row; // add to an index in this row for the same column in the row above
    switch (buf[row]) {
      case 0 -> {}
      case 1 -> {
        for (int i = row + 1 + bpp; i < end; i++) {
          buf[i] += buf[i - bpp];
        }
      }
      case 2 -> {
        for (int i = row + 1; i < end; i++) {
          buf[i] += above[i + up];
        }
      }
      case 3 -> {
        for (int i = row + 1; i <= row + bpp; i++) {
          buf[i] += (byte) ((above[i + up] & 0xff) >>> 1);
        }
        for (int i = row + 1 + bpp; i < end; i++) {
          buf[i] += (byte) (((buf[i - bpp] & 0xff) + (above[i + up] & 0xff)) >>> 1);
        }
      }
      case 4 -> {
        for (int i = row + 1; i <= row + bpp; i++) {
          buf[i] += above[i + up];
        }
        for (int i = row + 1 + bpp; i < end; i++) {
          int a = buf[i - bpp] & 0xff;
          int b = above[i + up] & 0xff;
          int c = above[i + up - bpp] & 0xff;
          int pa = Math.abs(b - c);
          int pb = Math.abs(a - c);
          int pc = Math.abs(a + b - 2 * c);
          buf[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
      }
      default -> throw new UndecodableImageException("the PNG has an unknown row filter");
    }
  }

  /** Every other PNG: palette, grey, 16-bit, interlaced, transparent colour. */
  static Pixels decodeWithImageIo(byte[] png) throws UndecodableImageException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
    if (!readers.hasNext()) {
      throw new IllegalStateException("the JDK has no PNG reader");
    }
    ImageReader reader = readers.next();
    // A memory cache: no temporary files for ImageIO.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
      reader.setInput(in, true, true);
      return toPixels(reader.read(0));
    } catch (IOException | RuntimeException e) {
      throw new UndecodableImageException("the PNG cannot be decoded: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Reads the samples rather than {@link BufferedImage#getRGB}, which would convert grey images
   * from their linear colour space and change their values.
   */
  private static Pixels toPixels(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    int[] argb = new int[width * height];
    int[] samples = new int[width * bands];
    if (image.getColorModel() instanceof IndexColorModel palette) {
      for (int y = 0; y < height; y++) {
        raster.getPixels(0, y, width, 1, samples);
        for (int x = 0; x < width; x++) {
          argb[y * width + x] = palette.getRGB(samples[x]);
        }
      }
      return new Pixels(width, height, argb);
    }
    int[] max = new int[bands];
    for (int b = 0; b < bands; b++) {
      max[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
    }
    int[] v = new int[4];
    for (int y = 0; y < height; y++) {
      raster.getPixels(0, y, width, 1, samples);
      for (int x = 0, s = 0; x < width; x++) {
        for (int b = 0; b < bands; b++, s++) {
          // Scaled to 8 bits with rounding, as pngjs does for pixelmatch.
          v[b] = max[b] == 255 ? samples[s] : (int) ((samples[s] * 255L + max[b] / 2) / max[b]);
        }
        argb[y * width + x] =
            switch (bands) {
              case 1 -> 0xff000000 | v[0] << 16 | v[0] << 8 | v[0];
              case 2 -> v[1] << 24 | v[0] << 16 | v[0] << 8 | v[0];
              case 3 -> 0xff000000 | v[0] << 16 | v[1] << 8 | v[2];
              default -> v[3] << 24 | v[0] << 16 | v[1] << 8 | v[2];
            };
      }
    }
    return new Pixels(width, height, argb);
  }

  /**
   * Encodes an 8-bit palette PNG whose image data was compressed in parts by {@link #deflatePart}.
   *
   * @param rows {@code height} rows of {@code 1 + width} bytes: the filter byte (0) and one palette
   *     index per pixel, as they go into the image data
   * @param deflatedParts {@code rows} compressed in consecutive parts, the last one finished
   * @param palette RGB colours as {@code 0xRRGGBB}
   */
  public static byte[] encodePalette(
      int width, int height, byte[] rows, List<byte[]> deflatedParts, int[] palette) {
    if (rows.length != height * (width + 1L) || palette.length == 0 || palette.length > 256) {
      throw new IllegalArgumentException("no " + width + "x" + height + " palette image");
    }
    byte[] plte = new byte[palette.length * 3];
    for (int i = 0; i < palette.length; i++) {
      plte[3 * i] = (byte) (palette[i] >> 16);
      plte[3 * i + 1] = (byte) (palette[i] >> 8);
      plte[3 * i + 2] = (byte) palette[i];
    }
    byte[] ihdr = new byte[13];
    writeInt(ihdr, 0, width);
    writeInt(ihdr, 4, height);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 3; // colour type: palette
    // One zlib stream: its header, the raw deflate parts, the Adler-32 of all the data.
    int dataLength = 2 + 4;
    for (byte[] part : deflatedParts) {
      dataLength += part.length;
    }
    byte[] data = new byte[dataLength];
    data[0] = 0x78; // deflate, 32K window
    data[1] = 0x01; // fastest level; check bits
    int pos = 2;
    for (byte[] part : deflatedParts) {
      System.arraycopy(part, 0, data, pos, part.length);
      pos += part.length;
    }
    Adler32 adler = new Adler32();
    adler.update(rows);
    writeInt(data, pos, (int) adler.getValue());

    byte[] png = new byte[8 + 25 + 12 + plte.length + 12 + data.length + 12];
    System.arraycopy(PngHeader.SIGNATURE, 0, png, 0, 8);
    pos = writeChunk(png, 8, "IHDR", ihdr, ihdr.length);
    pos = writeChunk(png, pos, "PLTE", plte, plte.length);
    pos = writeChunk(png, pos, "IDAT", data, data.length);
    writeChunk(png, pos, "IEND", new byte[0], 0);
    return png;
  }

  /**
   * Compresses {@code raw[from..to)}, rows of {@code stride} bytes from the array's start, as raw
   * deflate data that the next part can follow (or that ends the stream, when {@code last}), so
   * that parts compressed in parallel join into one stream as pigz does ({@link PictureDeflater}:
   * the pictures are mostly runs of a few colours and rows like the one above).
   */
  public static byte[] deflatePart(byte[] raw, int from, int to, int stride, boolean last) {
    return PictureDeflater.deflate(raw, from, to, stride, last);
  }

  private static int writeChunk(byte[] png, int pos, String type, byte[] data, int length) {
    writeInt(png, pos, length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(typeBytes, 0, png, pos + 4, 4);
    System.arraycopy(data, 0, png, pos + 8, length);
    CRC32 crc = new CRC32();
    crc.update(png, pos + 4, 4 + length);
    writeInt(png, pos + 8 + length, (int) crc.getValue());
    return pos + 12 + length;
  }

  private static int chunkType(String type) {
    return readInt(type.getBytes(StandardCharsets.US_ASCII), 0);
  }

  private static int readInt(byte[] b, int pos) {
    return (int) BIG_ENDIAN_INT.get(b, pos);
  }

  private static void writeInt(byte[] b, int pos, int value) {
    BIG_ENDIAN_INT.set(b, pos, value);
  }

  private PngCodec() {}
}
