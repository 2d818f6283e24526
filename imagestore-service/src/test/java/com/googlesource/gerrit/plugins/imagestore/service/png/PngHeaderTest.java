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

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.diff.PngHeader;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngHeaderTest {
  @TempDir Path tmp;

  private PngHeader check(byte[] bytes, long maxPixels) throws Exception {
    Path f = Files.createTempFile(tmp, "x", ".png");
    Files.write(f, bytes);
    return IncomingImage.checkPng(f, maxPixels);
  }

  @Test
  void readsTheSizeOfARealPng() throws Exception {
    PngHeader h = check(TestPngs.png(640, 480, 1), Long.MAX_VALUE);
    assertThat(h.width()).isEqualTo(640);
    assertThat(h.height()).isEqualTo(480);
  }

  @Test
  void refusesTooManyPixelsFromTheHeader() throws Exception {
    // TooLargeException: the web layer answers it 413.
    TooLargeException e =
        assertThrows(TooLargeException.class, () -> check(TestPngs.png(100, 100, 1), 9_999));
    assertThat(e.code()).isEqualTo("too_many_pixels");
  }

  @Test
  void refusesTruncatedAndForeignFiles() throws Exception {
    byte[] png = TestPngs.png(2);
    DomainException truncated =
        assertThrows(
            DomainException.class, () -> check(Arrays.copyOf(png, png.length - 5), Long.MAX_VALUE));
    assertThat(truncated.code()).isEqualTo("bad_png");
    DomainException gif =
        assertThrows(DomainException.class, () -> check("GIF89a....".getBytes(), Long.MAX_VALUE));
    assertThat(gif.code()).isEqualTo("not_png");
    byte[] badCrc = png.clone();
    badCrc[29] ^= 0x01;
    assertThat(assertThrows(DomainException.class, () -> check(badCrc, Long.MAX_VALUE)).code())
        .isEqualTo("bad_png");
  }

  @Test
  void refusesAPngWithoutImageDataOrWithTrailingBytes() throws Exception {
    byte[] png = TestPngs.png(4);
    // Signature + IHDR (33 bytes), then straight to IEND.
    byte[] noData = new byte[33 + 12];
    System.arraycopy(png, 0, noData, 0, 33);
    System.arraycopy(png, png.length - 12, noData, 33, 12);
    assertThat(
            assertThrows(DomainException.class, () -> check(noData, Long.MAX_VALUE)).getMessage())
        .contains("IDAT");
    // A chunk length pointing past the end of the file.
    byte[] badLength = png.clone();
    badLength[33] = 0x7f;
    assertThat(assertThrows(DomainException.class, () -> check(badLength, Long.MAX_VALUE)).code())
        .isEqualTo("bad_png");
  }

  @Test
  void incomingImageHashesAndCleansUp() throws Exception {
    byte[] png = TestPngs.png(3);
    Path file;
    try (IncomingImage img =
        IncomingImage.receive(new ByteArrayInputStream(png), tmp, 1 << 20, Long.MAX_VALUE)) {
      file = img.file();
      assertThat(img.size()).isEqualTo(png.length);
      assertThat(img.sha256()).hasLength(64);
      assertThat(img.contentId().value()).isEqualTo(img.sha256().substring(0, 32));
      assertThat(Files.exists(file)).isTrue();
    }
    assertThat(Files.exists(file)).isFalse();
    TooLargeException tooBig =
        assertThrows(
            TooLargeException.class,
            () -> IncomingImage.receive(new ByteArrayInputStream(png), tmp, 10, Long.MAX_VALUE));
    assertThat(tooBig.code()).isEqualTo("too_large");
    try (var left = Files.list(tmp)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  /**
   * An upload is checked while it arrives, in whatever pieces the connection hands over: the
   * outcome must not depend on where they split the chunk headers.
   */
  @Test
  void checksAnUploadTheSameInAnyPieces() throws Exception {
    byte[] png = TestPngs.png(40, 30, 5);
    byte[] trailing = Arrays.copyOf(png, png.length + 3);
    byte[] badLength = png.clone();
    badLength[33] = 0x7f;
    byte[] badType = png.clone();
    badType[37] = '1';
    for (byte[] upload :
        new byte[][] {png, Arrays.copyOf(png, png.length - 5), trailing, badLength, badType}) {
      String whole = outcome(upload, upload.length);
      assertThat(whole).isEqualTo(outcomeOfTheFile(upload));
      for (int piece = 1; piece <= 13; piece++) {
        assertThat(outcome(upload, piece)).isEqualTo(whole);
      }
    }
    assertThat(outcome(png, 1)).isEqualTo("40x30");
  }

  /** What receiving {@code upload} read {@code piece} bytes at a time says: a size or an error. */
  private String outcome(byte[] upload, int piece) throws Exception {
    ByteArrayInputStream bytes = new ByteArrayInputStream(upload);
    InputStream pieces =
        new FilterInputStream(bytes) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, piece));
          }
        };
    try (IncomingImage img = IncomingImage.receive(pieces, tmp, 1 << 20, Long.MAX_VALUE)) {
      return img.header().width() + "x" + img.header().height();
    } catch (DomainException e) {
      return e.code() + ": " + e.getMessage();
    }
  }

  private String outcomeOfTheFile(byte[] upload) throws Exception {
    try {
      PngHeader h = check(upload, Long.MAX_VALUE);
      return h.width() + "x" + h.height();
    } catch (DomainException e) {
      return e.code() + ": " + e.getMessage();
    }
  }
}
