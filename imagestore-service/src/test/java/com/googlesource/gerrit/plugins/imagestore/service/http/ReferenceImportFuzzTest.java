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
import static com.google.common.truth.Truth.assertWithMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.common.collect.Range;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The body parser of {@code PUT /references/import} on any bytes: it hands over the references of
 * one strict JSON array, in batches of at most its size, exactly as a walk over the whole document
 * reads them, or it refuses with the domain's bad-input error ({@link InvalidInputException}, a
 * 400), never another exception. A well-formed array of reference-shaped elements is refused only
 * for a reference past the parser's length limit (small here, so that the fuzzer reaches it; the
 * memory bound on huge bodies is {@link ReferenceArrayReaderTest}'s). Every test run replays the
 * corpus in {@code ReferenceImportFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class ReferenceImportFuzzTest {
  private static final int BATCH = 3;
  private static final int MAX_REFERENCE_CHARS = 256;
  private static final Set<String> FIELDS = Set.of("project", "branch", "commit", "path", "uuid");

  @FuzzTest
  void handsOverOneArrayOrRefusesAsBadInput(byte[] body) {
    String text = decoded(body);
    Optional<List<ImageReference>> walked = walk(text);
    ReferenceArrayReader reader =
        new ReferenceArrayReader(() -> new ByteArrayInputStream(body), BATCH, MAX_REFERENCE_CHARS);
    List<ImageReference> read = new ArrayList<>();
    try {
      for (List<ImageReference> batch = reader.next(); batch != null; batch = reader.next()) {
        assertThat(batch.size()).isIn(Range.closed(1, BATCH));
        read.addAll(batch);
      }
    } catch (InvalidInputException e) {
      assertThat(e.code()).isAnyOf("bad_json", "bad_references");
      assertThat(e.getMessage()).isNotEmpty();
      assertWithMessage("refused a well-formed array of %s characters: %s", text.length(), e)
          .that(walked.isPresent() && text.length() <= MAX_REFERENCE_CHARS)
          .isFalse();
      return;
    }
    assertWithMessage("accepted what is no array of references: %s", text)
        .that(walked.isPresent())
        .isTrue();
    assertThat(read).isEqualTo(walked.get());
  }

  /** The bytes as the parser reads them: UTF-8, malformed sequences replaced. */
  private static String decoded(byte[] body) {
    StringWriter text = new StringWriter();
    try (InputStreamReader in =
        new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8)) {
      in.transferTo(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * The references of {@code text} by a token walk over the whole document: empty unless it is one
   * strict JSON array whose elements are null or objects whose reference fields, every time they
   * occur, are a string without a NUL character, a number, a boolean or null (as Gson reads a
   * string field; the last occurrence counts, other members are skipped).
   */
  private static Optional<List<ImageReference>> walk(String text) {
    JsonReader json = new JsonReader(new StringReader(text));
    json.setStrictness(Strictness.STRICT);
    List<ImageReference> out = new ArrayList<>();
    try {
      json.beginArray();
      while (json.hasNext()) {
        if (json.peek() == JsonToken.NULL) {
          json.nextNull();
          out.add(null);
          continue;
        }
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
          return Optional.empty();
        }
        json.beginObject();
        Map<String, String> fields = new HashMap<>();
        while (json.hasNext()) {
          String name = json.nextName();
          if (!FIELDS.contains(name)) {
            json.skipValue();
            continue;
          }
          switch (json.peek()) {
            case STRING, NUMBER -> {
              String value = json.nextString();
              if (value.indexOf('\0') >= 0) {
                return Optional.empty(); // refused wherever it occurs (RequestJson)
              }
              fields.put(name, value);
            }
            case BOOLEAN -> fields.put(name, Boolean.toString(json.nextBoolean()));
            case NULL -> {
              json.nextNull();
              fields.put(name, null);
            }
            default -> {
              return Optional.empty();
            }
          }
        }
        json.endObject();
        out.add(
            new ImageReference(
                fields.get("project"),
                fields.get("branch"),
                fields.get("commit"),
                fields.get("path"),
                fields.get("uuid")));
      }
      json.endArray();
      return json.peek() == JsonToken.END_DOCUMENT ? Optional.of(out) : Optional.empty();
    } catch (IOException | IllegalStateException e) {
      return Optional.empty();
    }
  }
}
