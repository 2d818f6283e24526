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

import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService.ReferenceBatches;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code PUT /references/import}: one JSON array (RFC 8259, strict) of references, read
 * as it arrives and handed over a batch at a time. Anything else is refused with {@link
 * InvalidInputException}, answered 400: a stream that ends inside the array, another value than an
 * array, anything after it, an element of another shape ({@code bad_json}), or one reference longer
 * than the limit ({@code bad_references}). The fields' values are the service's to check.
 *
 * <p>Memory stays bounded whatever arrives: a reference is refused once it took more than {@code
 * maxReferenceChars} characters (give or take the parser's buffer of 1 Ki characters), so a huge
 * string is never held, and nesting is refused beyond Gson's limit (255). Whitespace between
 * references (a pausing client's keep-alive) is read and dropped, and counts for none of them.
 */
final class ReferenceArrayReader implements ReferenceBatches {
  /**
   * The characters one reference may take: its longest valid fields (about 1,600 characters) all
   * escaped as {@code \}{@code uXXXX}, with room to spare.
   */
  static final int MAX_REFERENCE_CHARS = 64 * 1024;

  /** Opens the body, once, when the first batch is asked for. */
  @FunctionalInterface
  interface Body {
    InputStream open() throws IOException;
  }

  private static final TypeAdapter<ReferenceInfo> REFERENCE =
      RequestJson.gson().getAdapter(ReferenceInfo.class);

  private final Body body;
  private final int batchSize;
  private final int maxReferenceChars;
  private CountingReader text;
  private JsonReader json;
  private int read;

  ReferenceArrayReader(Body body, int batchSize, int maxReferenceChars) {
    this.body = body;
    this.batchSize = batchSize;
    this.maxReferenceChars = maxReferenceChars;
  }

  /**
   * The next batch, 1 to {@code batchSize} references (a JSON {@code null} as null, for the service
   * to refuse with its index), or null after the end of the array; an {@link UncheckedIOException}
   * when the body cannot be read.
   */
  @Override
  public List<ImageReference> next() {
    try {
      if (json == null) {
        text =
            new CountingReader(
                new InputStreamReader(
                    new BufferedInputStream(body.open(), 64 * 1024), StandardCharsets.UTF_8));
        json = new JsonReader(text);
        json.setStrictness(Strictness.STRICT);
        json.beginArray();
      }
      List<ReferenceInfo> batch = new ArrayList<>();
      while (batch.size() < batchSize && json.hasNext()) {
        text.limit(maxReferenceChars, read);
        batch.add(REFERENCE.read(json));
        text.unlimited();
        read++;
      }
      if (!batch.isEmpty()) {
        return WireTypes.references(batch);
      }
      json.endArray();
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw new InvalidInputException("bad_json", "nothing may follow the array");
      }
      return null;
    } catch (MalformedJsonException | EOFException | JsonParseException | IllegalStateException e) {
      // EOFException: the body ended inside the array (a cut stream ends the same way).
      throw new InvalidInputException(
          "bad_json", "the body must be one JSON array of references: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counts the characters read while a reference is parsed, and refuses it past its limit. */
  private static final class CountingReader extends FilterReader {
    private long left = Long.MAX_VALUE;
    private int max;
    private int index;

    CountingReader(Reader in) {
      super(in);
    }

    /** From now on at most {@code max} more characters, for reference number {@code index}. */
    void limit(int max, int index) {
      this.left = max;
      this.max = max;
      this.index = index;
    }

    void unlimited() {
      left = Long.MAX_VALUE;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      count(c < 0 ? -1 : 1);
      return c;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count(n);
      return n;
    }

    private void count(int n) {
      if (n > 0 && (left -= n) < 0) {
        throw new InvalidInputException(
            "bad_references", "references[" + index + "] is longer than " + max + " characters");
      }
    }
  }
}
