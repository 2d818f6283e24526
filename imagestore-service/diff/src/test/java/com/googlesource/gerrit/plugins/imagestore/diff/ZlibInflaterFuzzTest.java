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
import static com.google.common.truth.Truth.assertWithMessage;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Our inflater against the JDK's (zlib): on any bytes it agrees with {@link Inflater} and fails
 * only with {@link UndecodableImageException}. Every test run replays the corpus in {@code
 * ZlibInflaterFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class ZlibInflaterFuzzTest {
  /** Larger outputs are inflation bombs here: both inflaters are only run up to this size. */
  private static final int MAX_OUTPUT = 1 << 20;

  /**
   * Any bytes as a zlib stream: when zlib inflates them (and checks their Adler-32), we give the
   * same bytes; when zlib refuses them, we refuse them too, cleanly.
   */
  @FuzzTest
  void agreesWithZlib(byte[] stream) {
    byte[] expected = zlibInflate(stream, false);
    // Where zlib refuses the stream, the size its deflate data alone inflates to (when it does)
    // is the one to try ours with: a header or checksum zlib refuses must be refused at any size.
    byte[] body = expected != null || stream.length < 2 ? null : zlibInflate(stream, true);
    int size =
        expected != null
            ? expected.length
            : body != null ? body.length : Math.min(stream.length * 4, MAX_OUTPUT);
    byte[] out = new byte[size];
    byte[] ours;
    try {
      ZlibInflater.inflate(stream, 0, stream.length, out, true);
      ours = out;
    } catch (UndecodableImageException e) {
      ours = null;
    }
    if (expected == null) {
      assertWithMessage("inflated what zlib refuses").that(ours).isNull();
    } else {
      assertWithMessage("refused what zlib inflates").that(ours).isNotNull();
      assertThat(Arrays.equals(ours, expected)).isTrue();
    }
  }

  /**
   * Whatever the JDK's deflater makes of any data, at any level and strategy, inflates back to the
   * data; the same stream cut short or into too small an array is refused cleanly.
   */
  @FuzzTest
  void inflatesWhatDeflaterWrites(FuzzedDataProvider in) throws Exception {
    int level = in.consumeInt(0, 9);
    int strategy =
        in.pickValue(
            new int[] {Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY});
    boolean repeat = in.consumeBoolean();
    byte[] data = in.consumeRemainingAsBytes();
    if (repeat && data.length > 0) {
      // Long runs and repeats, as screenshots have: what exercises long matches.
      byte[] longer = new byte[Math.min(data.length * 97, 200_000)];
      for (int i = 0; i < longer.length; i++) {
        longer[i] = data[i % data.length];
      }
      data = longer;
    }
    byte[] stream = ZlibInflaterTest.deflate(data, level, strategy);
    byte[] out = new byte[data.length];
    ZlibInflater.inflate(stream, 0, stream.length, out, true);
    assertThat(Arrays.equals(out, data)).isTrue();
    assertRefused(Arrays.copyOf(stream, stream.length - 1), data.length);
    assertRefused(stream, data.length + 1);
    if (data.length > 0) {
      assertRefused(stream, data.length - 1);
    }
  }

  private static void assertRefused(byte[] stream, int size) {
    try {
      ZlibInflater.inflate(stream, 0, stream.length, new byte[size], true);
    } catch (UndecodableImageException expected) {
      return;
    }
    throw new AssertionError("inflated a damaged stream into " + size + " bytes");
  }

  /**
   * What zlib inflates {@code stream} to, null when it refuses it or it inflates too far; with
   * {@code bodyOnly}, its deflate data alone, without the zlib header and checksum.
   */
  private static byte[] zlibInflate(byte[] stream, boolean bodyOnly) {
    Inflater inflater = new Inflater(bodyOnly);
    try {
      inflater.setInput(stream, bodyOnly ? 2 : 0, stream.length - (bodyOnly ? 2 : 0));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        out.write(buf, 0, n);
        if (out.size() > MAX_OUTPUT) {
          return null;
        }
        if (n == 0
            && !inflater.finished()
            && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }
}
