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

package com.googlesource.gerrit.plugins.imagestore.client.compare;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.stream.JsonWriter;
import com.googlesource.gerrit.plugins.imagestore.client.compare.ComparisonConfig.IgnoreEntry;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Optional;

/**
 * {@code .imagestore.json} parsing on any content: a file within every bound or a refusal with the
 * path and a reason, nothing else; what it accepts it reads back the same when written out again.
 * Resolving over hostile files never fails either. Every test run replays the corpus in {@code
 * ComparisonConfigFuzzTestInputs/}; {@code tools/fuzz/run.sh} fuzzes.
 */
class ComparisonConfigFuzzTest {
  private static final String PATH = "images/.imagestore.json";

  @FuzzTest
  void parsesWithinBoundsOrRefusesWithAReason(byte[] content) throws IOException {
    ComparisonConfig c;
    try {
      c = ComparisonConfig.parse(PATH, content);
    } catch (InvalidConfigException e) {
      assertThat(e.path()).isEqualTo(PATH);
      assertThat(e.reason()).isNotEmpty();
      assertThat(e.reason().length()).isAtMost(400);
      assertThat(e.reason()).doesNotContain("\n");
      return;
    }
    assertThat(content.length).isAtMost(ComparisonConfig.MAX_BYTES);
    if (c.threshold() != null) {
      assertThat(c.threshold()).isIn(com.google.common.collect.Range.closed(0.0, 1.0));
    }
    if (c.maxMismatchPercentage() != null) {
      assertThat(c.maxMismatchPercentage())
          .isIn(com.google.common.collect.Range.closed(0.0, 100.0));
    }
    if (c.maxMismatchedPixels() != null) {
      assertThat(c.maxMismatchedPixels()).isAtLeast(0L);
    }
    if (c.ignore() != null) {
      assertThat(c.ignore().size()).isAtMost(ComparisonConfig.MAX_IGNORE_ENTRIES);
      for (IgnoreEntry e : c.ignore()) {
        assertThat(e.regions().size()).isIn(com.google.common.collect.Range.closed(1, 100));
        // Matching is bounded whatever the glob.
        e.matches("a".repeat(255), "a/".repeat(400) + "a");
      }
    }
    try {
      assertThat(ComparisonConfig.parse(PATH, write(c))).isEqualTo(c);
    } catch (InvalidConfigException e) {
      throw new AssertionError("cannot read what it accepted, written out: " + e.getMessage(), e);
    }
  }

  @FuzzTest
  void resolvesOverHostileFiles(FuzzedDataProvider in) throws IOException {
    byte[] upper = in.consumeBytes(in.consumeInt(0, 4096));
    byte[] nearer = in.consumeRemainingAsBytes();
    FileSource source =
        directory ->
            switch (directory) {
              case "images" -> Optional.of(upper);
              case "images/chrome" -> Optional.of(nearer);
              default -> Optional.empty();
            };
    Resolution r = ComparisonConfigs.resolve("images/chrome/clock.ref.lnk", source);
    assertThat(r.comparison().ignore().size()).isAtMost(Comparison.MAX_IGNORE_REGIONS);
    assertThat(r.problems().size()).isAtMost(2);
    assertThat(r.comparison().toQuery()).startsWith("threshold=");
  }

  /** The file written back, as a person would write it. */
  private static byte[] write(ComparisonConfig c) throws IOException {
    StringWriter out = new StringWriter();
    JsonWriter w = new JsonWriter(out);
    w.beginObject();
    if (c.threshold() != null) {
      w.name("threshold").value(c.threshold());
    }
    if (c.maxMismatchPercentage() != null) {
      w.name("maxMismatchPercentage").value(c.maxMismatchPercentage());
    }
    if (c.maxMismatchedPixels() != null) {
      w.name("maxMismatchedPixels").value(c.maxMismatchedPixels());
    }
    if (c.includeAntialiasing() != null) {
      w.name("includeAntialiasing").value(c.includeAntialiasing());
    }
    if (c.ignore() != null) {
      w.name("ignore").beginArray();
      for (IgnoreEntry e : c.ignore()) {
        w.beginObject();
        if (e.images() != null) {
          w.name("images").value(e.images());
        }
        w.name("regions").beginArray();
        for (Region r : e.regions()) {
          w.beginObject();
          w.name("x").value(r.x()).name("y").value(r.y());
          w.name("width").value(r.width()).name("height").value(r.height());
          w.endObject();
        }
        w.endArray().endObject();
      }
      w.endArray();
    }
    w.endObject();
    w.close();
    return out.toString().getBytes(UTF_8);
  }
}
