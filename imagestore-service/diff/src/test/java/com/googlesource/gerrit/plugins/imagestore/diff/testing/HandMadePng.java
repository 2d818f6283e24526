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

package com.googlesource.gerrit.plugins.imagestore.diff.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * PNGs written byte by byte, for what ImageIO's writer never produces: a chosen row filter per row
 * (all five kinds), 16-bit colour, grey with alpha, a tRNS transparent colour.
 */
public final class HandMadePng {
  /**
   * Encodes non-interlaced pixels given as ARGB.
   *
   * @param colorType 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA (grey takes the red channel)
   * @param bitDepth 8 or 16 (16-bit samples repeat the 8-bit value: v * 257)
   * @param filterOfRow the row filter of row y is {@code filterOfRow[y % length]}
   * @param transparentRgb an RGB colour for a tRNS chunk (colour type 2), or -1
   */
  public static byte[] encode(
      int width,
      int height,
      int[] argb,
      int colorType,
      int bitDepth,
      int[] filterOfRow,
      int transparentRgb) {
    int channels = channels(colorType);
    int bytesPerSample = bitDepth / 8;
    int bpp = channels * bytesPerSample;
    int stride = width * bpp;
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] previous = new byte[stride];
    for (int y = 0; y < height; y++) {
      byte[] row = new byte[stride];
      for (int x = 0; x < width; x++) {
        int c = argb[y * width + x];
        int[] samples =
            switch (colorType) {
              case 0 -> new int[] {c >> 16 & 0xff};
              case 2 -> new int[] {c >> 16 & 0xff, c >> 8 & 0xff, c & 0xff};
              case 4 -> new int[] {c >> 16 & 0xff, c >>> 24};
              default -> new int[] {c >> 16 & 0xff, c >> 8 & 0xff, c & 0xff, c >>> 24};
            };
        for (int s = 0; s < channels; s++) {
          int at = x * bpp + s * bytesPerSample;
          if (bytesPerSample == 1) {
            row[at] = (byte) samples[s];
          } else {
            int v = samples[s] * 257;
            row[at] = (byte) (v >> 8);
            row[at + 1] = (byte) v;
          }
        }
      }
      int filter = filterOfRow[y % filterOfRow.length];
      raw.write(filter);
      raw.writeBytes(filter(filter, row, previous, bpp));
      previous = row;
    }
    ByteArrayOutputStream png = start(width, height, colorType, bitDepth);
    if (transparentRgb >= 0) {
      ByteBuffer trns = ByteBuffer.allocate(6);
      trns.putShort((short) (transparentRgb >> 16 & 0xff))
          .putShort((short) (transparentRgb >> 8 & 0xff))
          .putShort((short) (transparentRgb & 0xff));
      chunk(png, "tRNS", trns.array());
    }
    byte[] data = deflate(raw.toByteArray());
    // Two IDAT chunks: decoders must join them.
    int half = data.length / 2;
    chunk(png, "IDAT", java.util.Arrays.copyOfRange(data, 0, half));
    chunk(png, "IDAT", java.util.Arrays.copyOfRange(data, half, data.length));
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  /**
   * A large image in a few hundred bytes, written row by row (no pixel array): black (and
   * transparent), but for the first pixel, whose samples are all {@code seed}.
   *
   * @param colorType 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA
   * @param bitDepth 8 or 16
   */
  public static byte[] blank(int width, int height, int colorType, int bitDepth, int seed) {
    int channels = channels(colorType);
    byte[] first = new byte[1 + width * channels * (bitDepth / 8)];
    java.util.Arrays.fill(first, 1, 1 + channels * (bitDepth / 8), (byte) seed);
    byte[] row = new byte[first.length];
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try (DeflaterOutputStream z = new DeflaterOutputStream(data, deflater, 64 * 1024)) {
      for (int y = 0; y < height; y++) {
        z.write(y == 0 ? first : row);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      deflater.end();
    }
    ByteArrayOutputStream png = start(width, height, colorType, bitDepth);
    chunk(png, "IDAT", data.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static int channels(int colorType) {
    return switch (colorType) {
      case 0 -> 1;
      case 2 -> 3;
      case 4 -> 2;
      case 6 -> 4;
      default -> throw new IllegalArgumentException("colour type " + colorType);
    };
  }

  /** The signature and the IHDR chunk. */
  private static ByteArrayOutputStream start(int width, int height, int colorType, int bitDepth) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) bitDepth).put((byte) colorType);
    chunk(png, "IHDR", ihdr.array());
    return png;
  }

  private static byte[] filter(int type, byte[] row, byte[] prev, int bpp) {
    byte[] out = new byte[row.length];
    for (int i = 0; i < row.length; i++) {
      int a = i >= bpp ? row[i - bpp] & 0xff : 0;
      int b = prev[i] & 0xff;
      int c = i >= bpp ? prev[i - bpp] & 0xff : 0;
      int predictor =
          switch (type) {
            case 0 -> 0;
            case 1 -> a;
            case 2 -> b;
            case 3 -> (a + b) / 2;
            case 4 -> paeth(a, b, c);
            default -> throw new IllegalArgumentException("filter " + type);
          };
      out[i] = (byte) ((row[i] & 0xff) - predictor);
    }
    return out;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  private static byte[] deflate(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(raw);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(typeBytes);
    png.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private HandMadePng() {}
}
