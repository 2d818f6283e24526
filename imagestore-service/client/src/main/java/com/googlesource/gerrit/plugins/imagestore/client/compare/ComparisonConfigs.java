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

import com.googlesource.gerrit.plugins.imagestore.client.compare.ComparisonConfig.IgnoreEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the comparison that applies to an image: the {@value ComparisonConfig#FILE_NAME} files of
 * its directory and every directory above it, the nearest winning key by key ({@code ignore} is one
 * key: the nearest file that sets it wins whole), {@link Comparison#DEFAULT} for keys no file sets.
 * An invalid file counts as absent and is reported in {@link Resolution#problems()}.
 *
 * <p>One instance reads and parses each directory's file once; use one per tree (a patch set, a
 * workflow run).
 */
public final class ComparisonConfigs {
  /** The endings of image files, longest first: UIVeri5's {@code .ref.lnk}, {@code .act.png}. */
  private static final List<String> ENDINGS =
      List.of(".ref.lnk", ".act.png", ".ref.png", ".lnk", ".png");

  private final FileSource source;
  private final Map<String, Loaded> loaded = new LinkedHashMap<>();

  private record Loaded(ComparisonConfig config, ConfigProblem problem) {}

  private ComparisonConfigs(FileSource source) {
    this.source = source;
  }

  /** A resolver over {@code source} that reads each file once. */
  public static ComparisonConfigs over(FileSource source) {
    return new ComparisonConfigs(source);
  }

  /** Resolves one image with a resolver of its own; see {@link #resolve(String)}. */
  public static Resolution resolve(String imagePath, FileSource source) throws IOException {
    return over(source).resolve(imagePath);
  }

  /**
   * The comparison of the image at {@code imagePath}.
   *
   * @param imagePath relative to the root of the source, {@code /}-separated, e.g. {@code
   *     images/login/chrome/clock.ref.lnk}
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when the path leaves the root ({@code ..})
   */
  public Resolution resolve(String imagePath) throws IOException {
    List<String> segments =
        Arrays.stream(imagePath.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).toList();
    if (segments.isEmpty() || segments.contains("..")) {
      throw new IllegalArgumentException("not a path below the root: " + imagePath);
    }
    String name = imageName(segments.get(segments.size() - 1));
    List<String> dirs = segments.subList(0, segments.size() - 1);

    // Nearest first; a file that cannot be used for this image is reported and left out.
    List<ComparisonConfig> chain = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    Map<ComparisonConfig, List<Region>> ignored = new HashMap<>();
    for (int depth = dirs.size(); depth >= 0; depth--) {
      Loaded l = load(String.join("/", dirs.subList(0, depth)));
      if (l.problem() != null) {
        problems.add(l.problem());
        continue;
      }
      if (l.config() == null) {
        continue;
      }
      ComparisonConfig c = l.config();
      if (c.ignore() != null) {
        String relative = String.join("/", dirs.subList(depth, dirs.size()));
        List<Region> regions = regions(c, name, relative.isEmpty() ? name : relative + "/" + name);
        if (regions.size() > Comparison.MAX_IGNORE_REGIONS) {
          problems.add(
              new ConfigProblem(
                  c.path(),
                  regions.size()
                      + " ignore regions apply to "
                      + String.join("/", segments)
                      + ", at most "
                      + Comparison.MAX_IGNORE_REGIONS));
          continue;
        }
        ignored.put(c, regions);
      }
      chain.add(c);
    }

    Comparison d = Comparison.DEFAULT;
    Double threshold = null;
    Boolean includeAntialiasing = null;
    Double maxMismatchPercentage = null;
    Long maxMismatchedPixels = null;
    List<Region> ignore = null;
    for (ComparisonConfig c : chain) {
      threshold = threshold != null ? threshold : c.threshold();
      includeAntialiasing =
          includeAntialiasing != null ? includeAntialiasing : c.includeAntialiasing();
      maxMismatchPercentage =
          maxMismatchPercentage != null ? maxMismatchPercentage : c.maxMismatchPercentage();
      maxMismatchedPixels =
          maxMismatchedPixels != null ? maxMismatchedPixels : c.maxMismatchedPixels();
      ignore = ignore != null ? ignore : ignored.get(c);
    }
    Comparison comparison =
        new Comparison(
            threshold != null ? threshold : d.threshold(),
            includeAntialiasing != null ? includeAntialiasing : d.includeAntialiasing(),
            maxMismatchPercentage != null ? maxMismatchPercentage : d.maxMismatchPercentage(),
            maxMismatchedPixels != null ? maxMismatchedPixels : d.maxMismatchedPixels(),
            ignore != null ? ignore : d.ignore());
    return new Resolution(comparison, problems);
  }

  /** The regions of every entry of {@code c} that matches the image, without duplicates. */
  private static List<Region> regions(ComparisonConfig c, String name, String relativePath) {
    TreeSet<Region> regions = new TreeSet<>(Comparison.REGION_ORDER);
    for (IgnoreEntry e : c.ignore()) {
      if (e.matches(name, relativePath)) {
        regions.addAll(e.regions());
      }
    }
    return List.copyOf(regions);
  }

  /** Every invalid file this resolver has met so far, in the order met. */
  public List<ConfigProblem> problems() {
    return loaded.values().stream().map(Loaded::problem).filter(p -> p != null).toList();
  }

  private Loaded load(String directory) throws IOException {
    Loaded l = loaded.get(directory);
    if (l == null) {
      l = read(directory);
      loaded.put(directory, l);
    }
    return l;
  }

  private Loaded read(String directory) throws IOException {
    String path = ComparisonConfig.pathIn(directory);
    try {
      Optional<byte[]> content = source.read(directory);
      if (content.isEmpty()) {
        return new Loaded(null, null);
      }
      return new Loaded(ComparisonConfig.parse(path, content.get()), null);
    } catch (InvalidConfigException e) {
      return new Loaded(null, e.problem());
    }
  }

  /**
   * The name of an image, which an {@code images} glob without {@code /} matches: its file name
   * without {@code .ref.lnk}, {@code .act.png}, {@code .ref.png}, {@code .lnk} or {@code .png}
   * (UIVeri5 names a screenshot's link {@code <name>.ref.lnk} and its file {@code <name>.act.png}).
   */
  public static String imageName(String fileName) {
    for (String ending : ENDINGS) {
      if (fileName.endsWith(ending) && fileName.length() > ending.length()) {
        return fileName.substring(0, fileName.length() - ending.length());
      }
    }
    return fileName;
  }
}
