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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * Reads and checks the PNG in {@code file}, as {@link Check} does with the bytes of an upload.
   *
   * @throws NotPngException when it is no PNG
   * @throws DiffTooLargeException when it has more pixels than {@code maxPixels}
   * @throws UndecodableImageException when it is a damaged PNG
   */
  public static PngHeader check(Path file, long maxPixels) throws IOException {
    Check check = new Check();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        check.update(buf, 0, n);
      }
    }
    return check.finish(maxPixels);
  }

  /**
   * Checks a PNG's structure while its bytes go by, so that an upload is checked in the one pass
   * that receives it (no second read of the file): the header ({@link #parse}), then that its
   * chunks tile the bytes from IHDR to an IEND at the very end, and hold image data. Reads the
   * chunk headers only, not the image data. Failures are kept until {@link #finish}, so that the
   * caller reads the whole body first (and can tell a body over its size limit from a bad one).
   */
  public static final class Check {
    private final byte[] head = new byte[BYTES];
    private final byte[] tail = new byte[IEND.length];
    private final byte[] chunk = new byte[8];
    private long size;
    private int chunkFill;

    /** Where the next chunk starts; its header is read once its 8 bytes went by. */
    private long nextChunk = SIGNATURE.length;

    /** Where the IEND chunk ends, once it was seen; -1 before. */
    private long end = -1;

    private boolean imageData;
    private UndecodableImageException chunkError;

    /** Passes the next {@code length} bytes of the PNG. */
    public void update(byte[] bytes, int offset, int length) {
      if (size < BYTES) {
        System.arraycopy(bytes, offset, head, (int) size, (int) Math.min(length, BYTES - size));
      }
      keepTail(bytes, offset, length);
      if (end < 0 && chunkError == null) {
        walk(bytes, offset, length);
      }
      size += length;
    }

    private void keepTail(byte[] bytes, int offset, int length) {
      int fresh = Math.min(length, tail.length);
      System.arraycopy(tail, fresh, tail, 0, tail.length - fresh);
      System.arraycopy(bytes, offset + length - fresh, tail, tail.length - fresh, fresh);
    }

    /** Reads the chunk headers within these bytes (at {@link #size} of the whole). */
    private void walk(byte[] bytes, int offset, int length) {
      long at = size;
      long limit = size + length;
      while (end < 0 && chunkError == null) {
        long headerByte = nextChunk + chunkFill;
        if (headerByte >= limit) {
          return;
        }
        int n = (int) Math.min(chunk.length - chunkFill, limit - headerByte);
        System.arraycopy(bytes, offset + (int) (headerByte - at), chunk, chunkFill, n);
        chunkFill += n;
        if (chunkFill < chunk.length) {
          return;
        }
        chunkFill = 0;
        long chunkLength = Integer.toUnsignedLong(ByteBuffer.wrap(chunk).getInt(0));
        String type = new String(chunk, 4, 4, StandardCharsets.US_ASCII);
        if (chunkLength > Integer.MAX_VALUE || !type.chars().allMatch(Character::isLetter)) {
          chunkError = new UndecodableImageException("the PNG has a malformed chunk");
          return;
        }
        nextChunk += 12 + chunkLength;
        imageData |= type.equals("IDAT");
        if (type.equals("IEND")) {
          end = nextChunk;
        }
      }
    }

    /**
     * The header, once all bytes went by.
     *
     * @throws NotPngException when they are no PNG
     * @throws DiffTooLargeException when it has more pixels than {@code maxPixels}
     * @throws UndecodableImageException when they are a damaged PNG
     */
    public PngHeader finish(long maxPixels) throws UndecodableImageException {
      PngHeader header = parse(Arrays.copyOf(head, (int) Math.min(size, BYTES)));
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
      if (!Arrays.equals(tail, IEND)) {
        throw new UndecodableImageException("the PNG is truncated (no IEND chunk at the end)");
      }
      if (chunkError != null) {
        throw chunkError;
      }
      if (end < 0 || end > size) {
        throw new UndecodableImageException("the PNG is truncated inside a chunk");
      }
      if (end != size) {
        throw new UndecodableImageException("the PNG has data after its IEND chunk");
      }
      if (!imageData) {
        throw new UndecodableImageException("the PNG has no image data (IDAT)");
      }
      return header;
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
}
