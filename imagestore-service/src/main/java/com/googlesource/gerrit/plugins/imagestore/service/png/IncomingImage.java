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

package com.googlesource.gerrit.plugins.imagestore.service.png;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffTooLargeException;
import com.googlesource.gerrit.plugins.imagestore.diff.PngHeader;
import com.googlesource.gerrit.plugins.imagestore.diff.UndecodableImageException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.TooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An uploaded PNG spooled to a temporary file, hashed and checked on the way in. Nothing reaches
 * the store before it is complete and valid. Close it to remove the temporary file.
 */
public final class IncomingImage implements AutoCloseable {
  private final Path file;
  private final String sha256;
  private final long size;
  private final PngHeader header;

  private IncomingImage(Path file, String sha256, long size, PngHeader header) {
    this.file = file;
    this.sha256 = sha256;
    this.size = size;
    this.header = header;
  }

  /**
   * Reads {@code in} to its end into a new file in {@code tmpDir}.
   *
   * @throws TooLargeException past {@code maxBytes}
   * @throws InvalidInputException when it is not a valid PNG
   */
  public static IncomingImage receive(InputStream in, Path tmpDir, long maxBytes, long maxPixels)
      throws IOException {
    Path file = Files.createTempFile(tmpDir, "upload-", ".png");
    try {
      // One pass over the bytes: spooled, hashed and checked as they arrive.
      MessageDigest digest = ImageId.newSha256();
      PngHeader.Check check = new PngHeader.Check();
      long size = 0;
      byte[] buf = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(file)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          size += n;
          if (size > maxBytes) {
            throw new TooLargeException(
                "the image is larger than the limit of " + maxBytes + " bytes");
          }
          digest.update(buf, 0, n);
          check.update(buf, 0, n);
          out.write(buf, 0, n);
        }
      }
      if (size == 0) {
        throw new InvalidInputException("empty", "the upload is empty");
      }
      PngHeader header = checked(() -> check.finish(maxPixels));
      return new IncomingImage(file, HexFormat.of().formatHex(digest.digest()), size, header);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * Reads and checks the header of the PNG in {@code file}.
   *
   * @throws InvalidInputException when it is no PNG or a damaged one
   * @throws TooLargeException when it has more pixels than {@code maxPixels}
   */
  public static PngHeader checkPng(Path file, long maxPixels) throws IOException {
    return checked(() -> PngHeader.check(file, maxPixels));
  }

  private interface PngCheck {
    PngHeader run() throws IOException, UndecodableImageException;
  }

  /** The check's refusals as the domain's: 400 and 413. */
  private static PngHeader checked(PngCheck check) throws IOException {
    try {
      return check.run();
    } catch (PngHeader.NotPngException e) {
      throw new InvalidInputException("not_png", "the upload is not a PNG image");
    } catch (DiffTooLargeException e) {
      throw new TooLargeException("too_many_pixels", e.getMessage());
    } catch (UndecodableImageException e) {
      throw new InvalidInputException("bad_png", e.getMessage());
    }
  }

  public Path file() {
    return file;
  }

  public String sha256() {
    return sha256;
  }

  /** The id derived from the content. */
  public ImageId contentId() {
    return ImageId.fromSha256(sha256);
  }

  public long size() {
    return size;
  }

  public PngHeader header() {
    return header;
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
