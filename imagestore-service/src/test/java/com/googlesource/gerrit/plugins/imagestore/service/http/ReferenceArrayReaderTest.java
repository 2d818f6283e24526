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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The import body's parser with the endpoint's limits: what it hands over, what it refuses, and
 * that a hostile body is refused after a bounded read (the 256 MiB route limit would otherwise let
 * one string of a few hundred MiB into memory, more than once over while it grows).
 */
class ReferenceArrayReaderTest {
  private static final String REF =
      "{\"project\":\"ui/app\",\"branch\":\"refs/heads/master\","
          + "\"commit\":\"1111111111111111111111111111111111111111\","
          + "\"path\":\"a.ref.lnk\",\"uuid\":\"00000000000000000000000000000000\"}";

  /** At most what the reader's buffers hold beyond one reference of the limit. */
  private static final long BOUNDED_READ = ReferenceArrayReader.MAX_REFERENCE_CHARS + 256 * 1024;

  private static ReferenceArrayReader reader(InputStream body, int batch) {
    return new ReferenceArrayReader(() -> body, batch, ReferenceArrayReader.MAX_REFERENCE_CHARS);
  }

  private static List<List<ImageReference>> batches(String body, int batch) {
    ReferenceArrayReader reader = reader(new ByteArrayInputStream(body.getBytes(UTF_8)), batch);
    List<List<ImageReference>> out = new ArrayList<>();
    for (List<ImageReference> b = reader.next(); b != null; b = reader.next()) {
      out.add(b);
    }
    return out;
  }

  private static InvalidInputException refused(String body) {
    return assertThrows(InvalidInputException.class, () -> batches(body, 2_000));
  }

  @Test
  void handsOverTheArrayInBatches() {
    List<String> seven = Collections.nCopies(7, REF);
    List<List<ImageReference>> batches = batches("[" + String.join(",", seven) + "]", 3);
    assertThat(batches.stream().map(List::size).toList()).containsExactly(3, 3, 1).inOrder();
    assertThat(batches.get(2).get(0))
        .isEqualTo(
            new ImageReference(
                "ui/app", "refs/heads/master", "1".repeat(40), "a.ref.lnk", "0".repeat(32)));
    assertThat(batches("[]", 3)).isEmpty();
    assertThat(batches(" [ null ] \n", 3).get(0)).containsExactly((ImageReference) null);
  }

  /** A pausing client's keep-alive spaces between references count for none of them. */
  @Test
  void whitespaceBetweenReferencesIsNotAReference() {
    String pause = " ".repeat(ReferenceArrayReader.MAX_REFERENCE_CHARS * 4);
    assertThat(batches("[" + pause + REF + pause + "," + pause + REF + pause + "]", 10).get(0))
        .hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // empty
        "{}", // not an array
        "[" + REF, // cut inside the array
        "[" + REF + ",", // cut after a comma
        "[" + REF + "] []", // something after the array
        "[1]", // not an object
        "[{\"uuid\": {}}]", // a field of another type
        "[{\"path\": [\"a\"]}]",
        "[{'project': 'ui/app'}]", // lenient JSON, refused: the body is strict JSON
        "[{project: \"ui/app\"}]",
        "[" + REF + " // a comment\n]",
      })
  void refusesAnythingButOneArrayOfReferences(String body) {
    assertThat(refused(body).code()).isEqualTo("bad_json");
  }

  @Test
  void refusesAHugeStringAfterABoundedRead() {
    Counted body = new Counted("[" + REF + ",{\"path\":\"", 'a');
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> reader(body, 2_000).next());
    assertThat(e.code()).isEqualTo("bad_references");
    assertThat(e).hasMessageThat().contains("references[1] is longer than 65536 characters");
    assertThat(body.read).isLessThan(BOUNDED_READ);
  }

  @Test
  void refusesAHugeUnknownMemberAfterABoundedRead() {
    Counted body = new Counted("[{\"note\":\"", 'x');
    assertThat(assertThrows(InvalidInputException.class, () -> reader(body, 2_000).next()).code())
        .isEqualTo("bad_references");
    assertThat(body.read).isLessThan(BOUNDED_READ);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[", "[{\"note\":"})
  void refusesDeepNestingAfterABoundedRead(String head) {
    Counted body = new Counted(head, '[');
    assertThat(assertThrows(InvalidInputException.class, () -> reader(body, 2_000).next()).code())
        .isEqualTo("bad_json");
    assertThat(body.read).isLessThan(BOUNDED_READ);
  }

  /** {@code head}, then {@code fill} without end; counts the bytes read. */
  private static final class Counted extends InputStream {
    private final InputStream in;
    long read;

    Counted(String head, char fill) {
      byte[] chunk = new byte[8192];
      java.util.Arrays.fill(chunk, (byte) fill);
      this.in =
          new SequenceInputStream(
              new ByteArrayInputStream(head.getBytes(UTF_8)),
              new InputStream() {
                @Override
                public int read() {
                  return fill;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                  int n = Math.min(len, chunk.length);
                  System.arraycopy(chunk, 0, b, off, n);
                  return n;
                }
              });
    }

    @Override
    public int read() throws java.io.IOException {
      int b = in.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      int n = in.read(b, off, len);
      read += Math.max(n, 0);
      return n;
    }
  }
}
