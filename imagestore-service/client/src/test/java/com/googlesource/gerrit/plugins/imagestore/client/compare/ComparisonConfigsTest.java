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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonConfigsTest {
  private static final String CLOCK = "images/login/chrome/dark/clock.ref.lnk";
  private static final String REGION = "{\"x\": 0, \"y\": 0, \"width\": 120, \"height\": 40}";

  /** Configuration files by directory, counting the reads. */
  private final Map<String, String> files = new HashMap<>();

  private final List<String> reads = new ArrayList<>();

  private final FileSource source =
      directory -> {
        reads.add(directory);
        return Optional.ofNullable(files.get(directory)).map(s -> s.getBytes(UTF_8));
      };

  @Test
  void noFilesGiveTheDefaults() throws Exception {
    Resolution r = ComparisonConfigs.resolve(CLOCK, source);
    assertThat(r.comparison()).isEqualTo(Comparison.DEFAULT);
    assertThat(r.problems()).isEmpty();
    assertThat(r.valid()).isTrue();
    assertThat(reads)
        .containsExactly(
            "images/login/chrome/dark", "images/login/chrome", "images/login", "images", "")
        .inOrder();
  }

  @Test
  void theNearestFileWinsKeyByKey() throws Exception {
    files.put(
        "",
        """
        {"threshold": 0.3, "maxMismatchedPixels": 50, "includeAntialiasing": true,
         "maxMismatchPercentage": 1}
        """);
    files.put("images/login", "{\"threshold\": 0.2, \"maxMismatchPercentage\": 2}");
    files.put("images/login/chrome/dark", "{\"maxMismatchPercentage\": 3}");

    Comparison c = ComparisonConfigs.resolve(CLOCK, source).comparison();
    assertThat(c).isEqualTo(new Comparison(0.2, true, 3, 50, List.of()));

    // A sibling directory sees only the files above it.
    Comparison light =
        ComparisonConfigs.resolve("images/login/chrome/light/clock.ref.lnk", source).comparison();
    assertThat(light).isEqualTo(new Comparison(0.2, true, 2, 50, List.of()));
    Comparison elsewhere = ComparisonConfigs.resolve("images/cart/a.ref.lnk", source).comparison();
    assertThat(elsewhere).isEqualTo(new Comparison(0.3, true, 1, 50, List.of()));
  }

  @Test
  void theNearestIgnoreReplacesTheOthersWhole() throws Exception {
    files.put(
        "images",
        "{\"ignore\": [{\"images\": \"clock\", \"regions\": ["
            + REGION
            + "]}],"
            + " \"threshold\": 0.2}");
    files.put(
        "images/login/chrome",
        "{\"ignore\": [{\"images\": \"banner\", \"regions\": ["
            + "{\"x\": 5, \"y\": 5, \"width\": 10, \"height\": 10}]}]}");

    // The nearer file sets ignore (for other images only): the clock's region from above is gone.
    Comparison c = ComparisonConfigs.resolve(CLOCK, source).comparison();
    assertThat(c.ignore()).isEmpty();
    assertThat(c.threshold()).isEqualTo(0.2);
    assertThat(
            ComparisonConfigs.resolve("images/login/chrome/banner.ref.lnk", source)
                .comparison()
                .ignore())
        .containsExactly(new Region(5, 5, 10, 10));
    // Outside the nearer file's directory the upper one still applies.
    assertThat(ComparisonConfigs.resolve("images/cart/clock.ref.lnk", source).comparison().ignore())
        .containsExactly(new Region(0, 0, 120, 40));

    // An empty list switches ignoring off below it.
    files.put("images/login/chrome/dark", "{\"ignore\": []}");
    files.put("images/login/chrome", "{}");
    assertThat(ComparisonConfigs.resolve(CLOCK, source).comparison().ignore()).isEmpty();
  }

  @Test
  void regionsOfEveryMatchingEntryApplySortedWithoutDuplicates() throws Exception {
    files.put(
        "images",
        """
        {"ignore": [
          {"images": "clock*", "regions": [{"x": 0, "y": 50, "width": 10, "height": 10}]},
          {"images": "*.ref", "regions": [{"x": 9, "y": 9, "width": 9, "height": 9}]},
          {"regions": [{"x": 0, "y": 50, "width": 10, "height": 10},
                       {"x": 3, "y": 0, "width": 1, "height": 1}]},
          {"images": "banner", "regions": [{"x": 7, "y": 7, "width": 7, "height": 7}]}
        ]}
        """);
    Comparison c = ComparisonConfigs.resolve(CLOCK, source).comparison();
    // The name is "clock": ".ref.lnk" is not part of it, so "*.ref" does not match.
    assertThat(c.ignore())
        .containsExactly(new Region(3, 0, 1, 1), new Region(0, 50, 10, 10))
        .inOrder();
  }

  @Test
  void globsWithSlashMatchThePathBelowTheFilesDirectory() throws Exception {
    files.put(
        "images/login",
        """
        {"ignore": [
          {"images": "chrome/*/clock", "regions": [{"x": 1, "y": 1, "width": 1, "height": 1}]},
          {"images": "*/clock", "regions": [{"x": 2, "y": 2, "width": 2, "height": 2}]},
          {"images": "chrome/**", "regions": [{"x": 3, "y": 3, "width": 3, "height": 3}]},
          {"images": "login/**", "regions": [{"x": 4, "y": 4, "width": 4, "height": 4}]}
        ]}
        """);
    assertThat(ComparisonConfigs.resolve(CLOCK, source).comparison().ignore())
        .containsExactly(new Region(1, 1, 1, 1), new Region(3, 3, 3, 3));
    assertThat(
            ComparisonConfigs.resolve("images/login/firefox/clock.ref.lnk", source)
                .comparison()
                .ignore())
        .containsExactly(new Region(2, 2, 2, 2));
    assertThat(
            ComparisonConfigs.resolve("images/login/clock.ref.lnk", source).comparison().ignore())
        .isEmpty();
  }

  @Test
  void anInvalidFileIsReportedAndCountsAsAbsent() throws Exception {
    files.put("", "{\"threshold\": 0.3}");
    files.put("images/login", "{\"threshold\": 2, \"maxMismatchedPixels\": 7}");
    Resolution r = ComparisonConfigs.resolve(CLOCK, source);
    assertThat(r.comparison()).isEqualTo(Comparison.DEFAULT.withThreshold(0.3));
    assertThat(r.valid()).isFalse();
    assertThat(r.problems())
        .containsExactly(
            new ConfigProblem(
                "images/login/.imagestore.json", "threshold: must be from 0 to 1, not 2"));
  }

  @Test
  void aSourceRefusingAFileIsAProblemToo() throws Exception {
    FileSource refusing =
        directory -> {
          if (directory.equals("images")) {
            throw new InvalidConfigException(
                ComparisonConfig.pathIn(directory), "not a regular file");
          }
          return Optional.empty();
        };
    assertThat(ComparisonConfigs.resolve(CLOCK, refusing).problems())
        .containsExactly(new ConfigProblem("images/.imagestore.json", "not a regular file"));
  }

  @Test
  void moreThanAHundredRegionsForOneImageMakeTheFileInvalidForIt() throws Exception {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      List<String> regions = new ArrayList<>();
      for (int j = 0; j < 51; j++) {
        regions.add("{\"x\": " + i + ", \"y\": " + j + ", \"width\": 1, \"height\": 1}");
      }
      entries
          .append(i == 0 ? "" : ",")
          .append("{\"regions\": [" + String.join(",", regions) + "]}");
    }
    files.put("images", "{\"threshold\": 0.5, \"ignore\": [" + entries + "]}");
    files.put("", "{\"ignore\": [{\"regions\": [" + REGION + "]}]}");
    Resolution r = ComparisonConfigs.resolve(CLOCK, source);
    assertThat(r.problems())
        .containsExactly(
            new ConfigProblem(
                "images/.imagestore.json",
                "102 ignore regions apply to images/login/chrome/dark/clock.ref.lnk, at most 100"));
    // Left out whole: its threshold too; the root's ignore applies.
    assertThat(r.comparison())
        .isEqualTo(Comparison.DEFAULT.withIgnore(List.of(new Region(0, 0, 120, 40))));
  }

  @Test
  void oneResolverReadsEachFileOnce() throws Exception {
    files.put("images", "{\"threshold\": 0.5, \"bad\": 1}");
    ComparisonConfigs configs = ComparisonConfigs.over(source);
    configs.resolve(CLOCK);
    configs.resolve("images/login/chrome/dark/other.ref.lnk");
    configs.resolve("images/cart/x.ref.lnk");
    assertThat(reads)
        .containsExactly(
            "images/login/chrome/dark",
            "images/login/chrome",
            "images/login",
            "images",
            "",
            "images/cart");
    assertThat(configs.problems())
        .containsExactly(
            new ConfigProblem(
                "images/.imagestore.json",
                "unknown key \"bad\" (known: threshold, maxMismatchPercentage,"
                    + " maxMismatchedPixels, includeAntialiasing, ignore)"));
  }

  @Test
  void refusesPathsLeavingTheRoot() {
    assertThrows(
        IllegalArgumentException.class, () -> ComparisonConfigs.resolve("../x.ref.lnk", source));
    assertThrows(IllegalArgumentException.class, () -> ComparisonConfigs.resolve("/", source));
  }

  @Test
  void imageNamesLeaveOutUiveri5sEndings() {
    assertThat(ComparisonConfigs.imageName("clock.ref.lnk")).isEqualTo("clock");
    assertThat(ComparisonConfigs.imageName("clock.act.png")).isEqualTo("clock");
    assertThat(ComparisonConfigs.imageName("clock.png")).isEqualTo("clock");
    assertThat(ComparisonConfigs.imageName("clock.lnk")).isEqualTo("clock");
    assertThat(ComparisonConfigs.imageName("clock.v2.ref.lnk")).isEqualTo("clock.v2");
    assertThat(ComparisonConfigs.imageName(".png")).isEqualTo(".png");
  }

  @Test
  void readsFilesFromADirectoryBounded(@TempDir Path root) throws Exception {
    Path dark = Files.createDirectories(root.resolve("images/login/chrome/dark"));
    Files.writeString(root.resolve("images/login/.imagestore.json"), "{\"threshold\": 0.25}");
    Files.writeString(
        root.resolve(".imagestore.json"), "{\"maxMismatchedPixels\": 1}" + " ".repeat(70_000));
    Files.createDirectory(dark.resolve(".imagestore.json"));

    Resolution r = ComparisonConfigs.resolve(CLOCK, FileSource.directory(root));
    assertThat(r.comparison()).isEqualTo(Comparison.DEFAULT.withThreshold(0.25));
    assertThat(r.problems())
        .containsExactly(
            new ConfigProblem("images/login/chrome/dark/.imagestore.json", "not a regular file"),
            new ConfigProblem(".imagestore.json", "larger than 64 KiB"))
        .inOrder();
    assertThat(FileSource.directory(root).read("images/login/chrome/dark/none")).isEmpty();
    assertThat(FileSource.directory(root).read("").orElseThrow())
        .hasLength(ComparisonConfig.MAX_BYTES + 1);
  }

  @Test
  void comparisonsTravelAsQueryParameters() {
    Comparison c =
        new Comparison(
            0.0001,
            true,
            0.5,
            10,
            List.of(new Region(5, 6, 7, 8), new Region(0, 0, 120, 40), new Region(5, 6, 7, 8)));
    assertThat(c.ignore()).containsExactly(new Region(0, 0, 120, 40), new Region(5, 6, 7, 8));
    assertThat(c.toQuery())
        .isEqualTo(
            "threshold=0.0001&includeAntialiasing=true&maxMismatchPercentage=0.5"
                + "&maxMismatchedPixels=10&ignore=0,0,120,40&ignore=5,6,7,8");
    assertThat(c.queryParameters(false).stream().map(Map.Entry::getKey))
        .containsExactly("threshold", "includeAntialiasing", "ignore", "ignore")
        .inOrder();
    assertThat(Comparison.DEFAULT.toQuery())
        .isEqualTo(
            "threshold=0.1&includeAntialiasing=false&maxMismatchPercentage=0.1"
                + "&maxMismatchedPixels=200");
    assertThat(Region.parse("0,0,120,40")).isEqualTo(new Region(0, 0, 120, 40));
    assertThrows(IllegalArgumentException.class, () -> Region.parse("0,0,0,40"));
    assertThrows(IllegalArgumentException.class, () -> Region.parse("0,0,1"));
    assertThrows(IllegalArgumentException.class, () -> Region.parse("0,0,1,x"));
  }

  @Test
  void thePassRuleIsUiveri5s() {
    Comparison d = Comparison.DEFAULT;
    // 1000 x 1000: 0.1 % would be 1000 pixels, so the 200 bound applies.
    assertThat(d.allowedMismatchedPixels(1_000_000)).isEqualTo(200.0);
    assertThat(d.passes(199, 1_000_000)).isTrue();
    assertThat(d.passes(200, 1_000_000)).isFalse();
    // 100 x 100: 0.1 % is 10 pixels.
    assertThat(d.passes(9, 10_000)).isTrue();
    assertThat(d.passes(10, 10_000)).isFalse();
    assertThat(d.withMaxMismatchedPixels(0).passes(0, 10_000)).isTrue();
  }

  @Test
  void comparisonsRefuseWhatTheServiceWould() {
    assertThrows(IllegalArgumentException.class, () -> Comparison.DEFAULT.withThreshold(1.1));
    assertThrows(
        IllegalArgumentException.class, () -> Comparison.DEFAULT.withThreshold(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> Comparison.DEFAULT.withMaxMismatchPercentage(-1));
    assertThrows(
        IllegalArgumentException.class, () -> Comparison.DEFAULT.withMaxMismatchedPixels(-1));
    List<Region> many = new ArrayList<>();
    for (int i = 0; i <= Comparison.MAX_IGNORE_REGIONS; i++) {
      many.add(new Region(i, 0, 1, 1));
    }
    assertThrows(IllegalArgumentException.class, () -> Comparison.DEFAULT.withIgnore(many));
    assertThat(Comparison.DEFAULT.withIgnore(many.subList(0, 100)).ignore()).hasSize(100);
  }
}
