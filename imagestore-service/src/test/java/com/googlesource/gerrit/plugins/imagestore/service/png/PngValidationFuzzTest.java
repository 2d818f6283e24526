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
import static com.google.common.truth.Truth.assertWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * An upload's validation on any bytes: it accepts a PNG whose structure holds (signature, IHDR as
 * the header says, IEND last, within the limits) and refuses everything else with a 400 or 413
 * {@link DomainException}, never another exception, and never leaves its spool file behind. Every
 * test run replays the corpus in {@code PngValidationFuzzTestInputs/}; {@code tools/fuzz/run.sh}
 * fuzzes.
 */
class PngValidationFuzzTest {
  private static final long MAX_BYTES = 1 << 20;
  private static final long MAX_PIXELS = 1 << 20;
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] IEND = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82
  };

  private static Path tmp;

  @BeforeAll
  static void createSpool() throws IOException {
    tmp = Files.createTempDirectory("png-fuzz-");
  }

  @AfterAll
  static void removeSpool() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(tmp);
  }

  @FuzzTest
  void acceptsOnlyWellFormedPngs(byte[] upload) throws IOException {
    try (IncomingImage image =
        IncomingImage.receive(new ByteArrayInputStream(upload), tmp, MAX_BYTES, MAX_PIXELS)) {
      ByteBuffer b = ByteBuffer.wrap(upload);
      assertThat(Arrays.equals(upload, 0, 8, SIGNATURE, 0, 8)).isTrue();
      assertThat(b.getInt(8)).isEqualTo(13);
      assertThat(image.header().width()).isEqualTo(b.getInt(16));
      assertThat(image.header().height()).isEqualTo(b.getInt(20));
      assertThat(image.header().width()).isGreaterThan(0);
      assertThat(image.header().height()).isGreaterThan(0);
      assertThat(image.header().pixels()).isAtMost(MAX_PIXELS);
      assertThat(Arrays.equals(upload, upload.length - 12, upload.length, IEND, 0, 12)).isTrue();
      assertThat(image.size()).isEqualTo(upload.length);
      assertThat(image.contentId()).isEqualTo(ImageId.forContent(upload));
      assertThat(Files.readAllBytes(image.file())).isEqualTo(upload);
    } catch (DomainException e) {
      // Answered 400 or 413 by the web layer.
      assertWithMessage(e.getMessage())
          .that(e instanceof InvalidInputException || e instanceof TooLargeException)
          .isTrue();
      assertThat(upload.length > MAX_BYTES)
          .isEqualTo(e instanceof TooLargeException && e.code().equals("too_large"));
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertWithMessage("spool files left behind").that(left.toList()).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
