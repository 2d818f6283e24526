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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The IHDR chunk of a PNG: the one parser of PNG headers, for decoding ({@link #parse}) and for
 * checking an upload before it is stored ({@link #check}). Strict: a header whose checksum or
 * fields are wrong is refused, whatever reads the image next.
 */
public record PngHeader(int width, int height, int bitDepth, int colorType, int interlace) {
  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] IEND = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82
  };

  /**
   * The bytes {@link #parse} reads: the signature, then the IHDR chunk (length, type, data, CRC).
   */
  public static final int BYTES = 8 + 4 + 4 + 13 + 4;

  /** The bytes do not start with PNG's signature: not a damaged PNG, no PNG at all. */
  public static final class NotPngException extends UndecodableImageException {
    private static final long serialVersionUID = 1L;

    NotPngException() {
      super("not a PNG image");
    }
  }

  public long pixels() {
    return (long) width * height;
  }

  /**
   * Reads and checks the header at the start of {@code png} (at least its first {@link #BYTES}).
   */
  public static PngHeader parse(byte[] png) throws UndecodableImageException {
    if (png.length < SIGNATURE.length
        || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new NotPngException();
    }
    if (png.length < BYTES) {
      throw new UndecodableImageException("the PNG is truncated");
    }
    ByteBuffer head = ByteBuffer.wrap(png, 0, BYTES);
    head.position(8);
    int length = head.getInt();
    byte[] type = new byte[4];
    head.get(type);
    if (length != 13 || !"IHDR".equals(new String(type, StandardCharsets.US_ASCII))) {
      throw new UndecodableImageException("the PNG does not start with an IHDR chunk");
    }
    int width = head.getInt();
    int height = head.getInt();
    int bitDepth = head.get() & 0xff;
    int colorType = head.get() & 0xff;
    int compression = head.get() & 0xff;
    int filter = head.get() & 0xff;
    int interlace = head.get() & 0xff;
    int crc = head.getInt();
    CRC32 expected = new CRC32();
    expected.update(png, 12, 4 + 13);
    if ((int) expected.getValue() != crc) {
      throw new UndecodableImageException("the PNG header checksum is wrong");
    }
    if (width <= 0 || height <= 0) {
      throw new UndecodableImageException("the PNG has no pixels");
    }
    if (!validDepth(colorType, bitDepth) || compression != 0 || filter != 0 || interlace > 1) {
      throw new UndecodableImageException("the PNG header has invalid fields");
    }
    return new PngHeader(width, height, bitDepth, colorType, interlace);
  }

  /**
   * Reads and checks the PNG in {@code file} without reading its image data: the header, then that
   * its chunks tile the file from IHDR to IEND and hold image data.
   *
   * @throws NotPngException when it is no PNG
   * @throws DiffTooLargeException when it has more pixels than {@code maxPixels}
   * @throws UndecodableImageException when it is a damaged PNG
   */
  public static PngHeader check(Path file, long maxPixels) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate(BYTES);
      readFully(ch, head, 0);
      PngHeader header = parse(Arrays.copyOf(head.array(), head.position()));
      if (size < BYTES + IEND.length) {
        throw new UndecodableImageException("the PNG is truncated");
      }
      if (header.pixels() > maxPixels) {
        throw new DiffTooLargeException(
            "the image has "
                + header.width()
                + "x"
                + header.height()
                + " pixels, more than the limit of "
                + maxPixels);
      }
      ByteBuffer tail = ByteBuffer.allocate(IEND.length);
      readFully(ch, tail, size - IEND.length);
      if (!Arrays.equals(tail.array(), IEND)) {
        throw new UndecodableImageException("the PNG is truncated (no IEND chunk at the end)");
      }
      checkChunks(ch, size);
      return header;
    }
  }

  /**
   * Walks the chunk headers (not their data) from IHDR to IEND: every length must fit, the chunks
   * must tile the file exactly, and there must be image data.
   */
  private static void checkChunks(FileChannel ch, long size) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(8);
    long position = SIGNATURE.length;
    boolean imageData = false;
    while (true) {
      chunk.clear();
      readFully(ch, chunk, position);
      if (chunk.position() < 8) {
        throw new UndecodableImageException("the PNG is truncated inside a chunk");
      }
      long length = Integer.toUnsignedLong(chunk.getInt(0));
      String type = new String(chunk.array(), 4, 4, StandardCharsets.US_ASCII);
      if (length > Integer.MAX_VALUE || !type.chars().allMatch(Character::isLetter)) {
        throw new UndecodableImageException("the PNG has a malformed chunk");
      }
      position += 12 + length;
      if (position > size) {
        throw new UndecodableImageException("the PNG is truncated inside a chunk");
      }
      imageData |= type.equals("IDAT");
      if (type.equals("IEND")) {
        break;
      }
    }
    if (position != size) {
      throw new UndecodableImageException("the PNG has data after its IEND chunk");
    }
    if (!imageData) {
      throw new UndecodableImageException("the PNG has no image data (IDAT)");
    }
  }

  private static boolean validDepth(int colorType, int bitDepth) {
    return switch (colorType) {
      case 0 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
      case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
      case 2, 4, 6 -> bitDepth == 8 || bitDepth == 16;
      default -> false;
    };
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) {
        return;
      }
    }
  }
}
