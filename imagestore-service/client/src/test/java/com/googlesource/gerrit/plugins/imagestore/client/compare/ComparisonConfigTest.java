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
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.compare.ComparisonConfig.IgnoreEntry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComparisonConfigTest {
  private static final String PATH = "images/login/.imagestore.json";

  @Test
  void readsEveryKey() throws Exception {
    ComparisonConfig c =
        parse(
            """
            {
              "threshold": 0.2,
              "maxMismatchPercentage": 0.5,
              "maxMismatchedPixels": 1000,
              "includeAntialiasing": true,
              "ignore": [
                {"images": "clock*", "regions": [{"x": 0, "y": 0, "width": 120, "height": 40}]},
                {"regions": [{"x": 10, "y": 700, "width": 1, "height": 1},
                             {"x": 0, "y": 0, "width": 5, "height": 5}]}
              ]
            }
            """);
    assertThat(c.path()).isEqualTo(PATH);
    assertThat(c.directory()).isEqualTo("images/login");
    assertThat(c.threshold()).isEqualTo(0.2);
    assertThat(c.maxMismatchPercentage()).isEqualTo(0.5);
    assertThat(c.maxMismatchedPixels()).isEqualTo(1000L);
    assertThat(c.includeAntialiasing()).isTrue();
    assertThat(c.ignore())
        .containsExactly(
            new IgnoreEntry("clock*", List.of(new Region(0, 0, 120, 40))),
            new IgnoreEntry(null, List.of(new Region(10, 700, 1, 1), new Region(0, 0, 5, 5))))
        .inOrder();
  }

  @Test
  void everyKeyIsOptional() throws Exception {
    ComparisonConfig c = parse("{}");
    assertThat(c.threshold()).isNull();
    assertThat(c.maxMismatchPercentage()).isNull();
    assertThat(c.maxMismatchedPixels()).isNull();
    assertThat(c.includeAntialiasing()).isNull();
    assertThat(c.ignore()).isNull();
    assertThat(parse("{\"ignore\": []}").ignore()).isEmpty();
  }

  @Test
  void acceptsTheBoundsAndAByteOrderMark() throws Exception {
    ComparisonConfig c =
        parse(
            "\uFEFF{\"threshold\": 0, \"maxMismatchPercentage\": 100, \"maxMismatchedPixels\": 0}");
    assertThat(c.threshold()).isEqualTo(0.0);
    assertThat(c.maxMismatchPercentage()).isEqualTo(100.0);
    assertThat(c.maxMismatchedPixels()).isEqualTo(0L);
    assertThat(parse("{\"threshold\": 1e0}").threshold()).isEqualTo(1.0);
    // -0 is within the bounds and reads as the 0 it means (Double.compare keeps -0.0 below 0.0).
    assertThat(Double.compare(parse("{\"threshold\": -0}").threshold(), 0.0)).isEqualTo(0);
    assertThat(parse("{\"maxMismatchedPixels\": 9223372036854775807}").maxMismatchedPixels())
        .isEqualTo(Long.MAX_VALUE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"treshold": 0.1}                          | unknown key "treshold" (known: threshold, maxMismatchPercentage, maxMismatchedPixels, includeAntialiasing, ignore)
          {"threshold": 0.1, "threshold": 0.2}       | the key "threshold" appears twice
          {"threshold": "0.1"}                       | threshold: must be a number, not a string
          {"threshold": null}                        | threshold: must be a number, not null
          {"threshold": 1.5}                         | threshold: must be from 0 to 1, not 1.5
          {"threshold": -0.1}                        | threshold: must be from 0 to 1, not -0.1
          {"threshold": 1e400}                       | threshold: must be from 0 to 1, not 1e400
          {"maxMismatchPercentage": 100.01}          | maxMismatchPercentage: must be from 0 to 100, not 100.01
          {"maxMismatchPercentage": true}            | maxMismatchPercentage: must be a number, not true/false
          {"maxMismatchedPixels": -1}                | maxMismatchedPixels: must be a whole number from 0 to 9223372036854775807, not -1
          {"maxMismatchedPixels": 2.5}               | maxMismatchedPixels: must be a whole number from 0 to 9223372036854775807, not 2.5
          {"maxMismatchedPixels": 200.0}             | maxMismatchedPixels: must be a whole number from 0 to 9223372036854775807, not 200.0
          {"maxMismatchedPixels": 9223372036854775808} | maxMismatchedPixels: must be a whole number from 0 to 9223372036854775807, not 9223372036854775808
          {"includeAntialiasing": "yes"}             | includeAntialiasing: must be true or false, not a string
          {"ignore": {}}                             | ignore: must be a list, not an object
          {"ignore": [1]}                            | ignore[0]: must be an object, not a number
          {"ignore": [{"images": "a*"}]}             | ignore[0]: has no "regions"
          {"ignore": [{"regions": []}]}              | ignore[0].regions: is empty (an entry ignores at least one region)
          {"ignore": [{"images": 3, "regions": []}]} | ignore[0].images: must be a string (a glob), not a number
          {"ignore": [{"image": "a", "regions": []}]} | ignore[0]: unknown key "image" (known: images, regions)
          {"ignore": [{"regions": [[0,0,1,1]]}]}     | ignore[0].regions[0]: must be an object {"x", "y", "width", "height"}, not a list
          {"ignore": [{"regions": [{"x": 0, "y": 0, "width": 1}]}]} | ignore[0].regions[0]: needs all of "x", "y", "width" and "height"
          {"ignore": [{"regions": [{"x": -1, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].regions[0].x: must be a whole number from 0 to 2147483647, not -1
          {"ignore": [{"regions": [{"x": 0, "y": 0, "width": 0, "height": 1}]}]} | ignore[0].regions[0].width: must be a whole number from 1 to 2147483647, not 0
          {"ignore": [{"regions": [{"x": 0, "y": 0, "width": 1, "height": -5}]}]} | ignore[0].regions[0].height: must be a whole number from 1 to 2147483647, not -5
          {"ignore": [{"regions": [{"x": 2147483647, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].regions[0]: the region reaches beyond 2147483647
          {"ignore": [{"regions": [{"x": 0, "y": 0, "width": 1, "height": 1, "z": 1}]}]} | ignore[0].regions[0]: unknown key "z" (known: x, y, width, height)
          {"ignore": [{"images": "", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: must not be empty (leave it out to match every image)
          {"ignore": [{"images": "/clock", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: starts with /: a path glob is relative to the directory of the file
          {"ignore": [{"images": "[a-", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: not a valid glob: Missing ']
          {"ignore": [{"images": "*a*b*", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: more than 2 runs of * (each * or ** counts)
          {"ignore": [{"images": "***b", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: holds *** (use * within a name, ** across /)
          {"ignore": [{"images": "**************************b}*", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: holds *** (use * within a name, ** across /)
          {"ignore": [{"images": "{a,b}{c,d}", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: more than one {…} group
          {"ignore": [{"images": "{a,b,c,d,e,f,g,h,i}", "regions": [{"x": 0, "y": 0, "width": 1, "height": 1}]}]} | ignore[0].images: more than 8 alternatives in {…}
          []                                         | the file: must be an object, not a list
          {} {}                                      | more after the JSON object
          {"threshold": 0.1,}                        | malformed JSON: Expected name at line 1 column 20 path $.threshold
          {"threshold": 0.1 // comment               | malformed JSON: not strict JSON (no comments, single quotes, NaN or bare words) at line 1 column 20 path $.threshold
          {'threshold': 0.1}                         | malformed JSON: not strict JSON (no comments, single quotes, NaN or bare words) at line 1 column 3 path $.
          {"threshold": NaN}                         | malformed JSON: not strict JSON (no comments, single quotes, NaN or bare words) at line 1 column 15 path $.threshold
          {"threshold": 0.1                          | malformed JSON: End of input at line 1 column 18 path $.threshold
          """)
  void refusesWithThePathAndAReason(String content, String reason) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(content));
    assertThat(e.path()).isEqualTo(PATH);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.problem()).isEqualTo(new ConfigProblem(PATH, reason));
    assertThat(e.getMessage()).isEqualTo(PATH + ": " + reason);
  }

  @Test
  void refusesAnEmptyFile() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(" \n"));
    assertThat(e.reason())
        .isEqualTo("empty: the file holds one JSON object ({} when it sets nothing)");
  }

  @Test
  void refusesWhatIsNotUtf8() {
    byte[] latin1 =
        "{\"ignore\": [{\"images\": \"Übersicht\"}]}"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ComparisonConfig.parse(PATH, latin1));
    assertThat(e.reason()).isEqualTo("not UTF-8 text");
  }

  @Test
  void refusesFilesOver64KiB() throws Exception {
    String padding = " ".repeat(ComparisonConfig.MAX_BYTES - 2);
    assertThat(parse("{" + padding + "}").threshold()).isNull();
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> parse("{ " + padding + "}"));
    assertThat(e.reason()).isEqualTo("larger than 64 KiB");
  }

  @Test
  void boundsEntriesAndRegions() throws Exception {
    String region = "{\"x\": 0, \"y\": 0, \"width\": 1, \"height\": 1}";
    String entry = "{\"regions\": [" + region + "]}";
    assertThat(parse(ignore(entry, 100)).ignore()).hasSize(100);
    assertThat(assertThrows(InvalidConfigException.class, () -> parse(ignore(entry, 101))).reason())
        .isEqualTo("ignore: more than 100 entries");

    String full =
        "{\"regions\": [" + String.join(",", java.util.Collections.nCopies(100, region)) + "]}";
    assertThat(parse(ignore(full, 1)).ignore().get(0).regions()).hasSize(100);
    String over =
        "{\"regions\": [" + String.join(",", java.util.Collections.nCopies(101, region)) + "]}";
    assertThat(assertThrows(InvalidConfigException.class, () -> parse(ignore(over, 1))).reason())
        .isEqualTo("ignore[0].regions: more than 100 regions");
  }

  @Test
  void echoesHostileKeysShortAndPrintable() {
    String key = "a\u0000\n".repeat(100);
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> parse("{\"" + key.replace("\u0000", "\\u0000").replace("\n", "\\n") + "\": 1}"));
    assertThat(e.reason()).startsWith("unknown key \"a??a??");
    assertThat(e.reason()).doesNotContain("\n");
    assertThat(e.reason().length()).isLessThan(200);
  }

  @Test
  void globsWithoutSlashMatchTheNameWithSlashThePath() {
    IgnoreEntry byName = new IgnoreEntry("clock*", List.of(new Region(0, 0, 1, 1)));
    assertThat(byName.matches("clock-big", "chrome/clock-big")).isTrue();
    assertThat(byName.matches("alarm-clock", "clock/alarm-clock")).isFalse();

    IgnoreEntry byPath = new IgnoreEntry("chrome/*", List.of(new Region(0, 0, 1, 1)));
    assertThat(byPath.matches("clock", "chrome/clock")).isTrue();
    assertThat(byPath.matches("clock", "chrome/dark/clock")).isFalse();
    assertThat(byPath.matches("chrome", "firefox/chrome")).isFalse();

    IgnoreEntry deep = new IgnoreEntry("chrome/**", List.of(new Region(0, 0, 1, 1)));
    assertThat(deep.matches("clock", "chrome/dark/clock")).isTrue();

    IgnoreEntry choice = new IgnoreEntry("{header,footer}-?", List.of(new Region(0, 0, 1, 1)));
    assertThat(choice.matches("footer-1", "x/footer-1")).isTrue();
    assertThat(choice.matches("footer-12", "x/footer-12")).isFalse();

    IgnoreEntry all = new IgnoreEntry(null, List.of(new Region(0, 0, 1, 1)));
    assertThat(all.matches("anything", "a/b/anything")).isTrue();
  }

  @Test
  void overlongSubjectsMatchNoGlob() {
    IgnoreEntry any = new IgnoreEntry("*", List.of(new Region(0, 0, 1, 1)));
    assertThat(any.matches("a".repeat(255), "a".repeat(255))).isTrue();
    assertThat(any.matches("a".repeat(256), "a".repeat(256))).isFalse();
    IgnoreEntry anyPath = new IgnoreEntry("**/*", List.of(new Region(0, 0, 1, 1)));
    assertThat(anyPath.matches("b", "a/".repeat(511) + "b")).isTrue();
    assertThat(anyPath.matches("b", "a/".repeat(512) + "b")).isFalse();
  }

  private static String ignore(String entry, int times) {
    return "{\"ignore\": [" + String.join(",", java.util.Collections.nCopies(times, entry)) + "]}";
  }

  private static ComparisonConfig parse(String content) throws InvalidConfigException {
    return ComparisonConfig.parse(PATH, content.getBytes(UTF_8));
  }
}
