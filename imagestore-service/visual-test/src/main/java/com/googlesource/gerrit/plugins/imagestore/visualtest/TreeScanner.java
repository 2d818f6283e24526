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

package com.googlesource.gerrit.plugins.imagestore.visualtest;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the images of a UIVeri5 tree. File names are UIVeri5's (1.49, {@code
 * src/image/remoteStorageProvider.js} and {@code localStorageProvider.js}):
 *
 * <ul>
 *   <li>{@code <root>/images/<spec>/<runtime>/<name>.ref.lnk}: the reference link, where {@code
 *       <root>} is {@code refImagesRoot} or the spec file's directory;
 *   <li>{@code <name>.act.png}: the fresh screenshot, as the local storage provider names it, below
 *       {@code actImagesRoot} ({@code target} by default) in the same {@code images/...} layout; or
 *       beside the link. A plain {@code <name>.png} is taken too (image names have no dots), the
 *       name the remote provider uploads the screenshot under; {@code .act.png} wins;
 *   <li>{@code .ref.png} (a local reference) and {@code .diff.png} (a diff picture) are ignored.
 * </ul>
 *
 * The runtime is six directories: {@code
 * <platformName>/<platformResolution>/<browserName>/<ui5.theme>/<ui5.direction>/<ui5.mode>}.
 */
public final class TreeScanner {
  public static final String LNK = ".ref.lnk";
  public static final String ACT = ".act.png";
  public static final String REF_PNG = ".ref.png";
  public static final String DIFF_PNG = ".diff.png";
  private static final String PNG = ".png";

  /** {@code images}, spec, six runtime segments and the file. */
  private static final int DEPTH = 2 + ImageKey.RUNTIME_SEGMENTS + 1;

  private static final Set<String> SKIPPED_DIRS = Set.of(".git", "node_modules");

  private TreeScanner() {}

  /**
   * Scans {@code refRoot} for links and {@code actualRoot} for screenshots, leaving out {@code
   * skip} (the output directory), and pairs them up by name.
   *
   * @param actualRoot null when the screenshots are beside the links
   */
  public static List<ScannedImage> scan(Path refRoot, Path actualRoot, Path skip)
      throws IOException {
    boolean beside = actualRoot == null || same(actualRoot, refRoot);
    Map<ImageKey, Path> links = new TreeMap<>();
    Map<ImageKey, Path> actuals = new TreeMap<>();
    walk(refRoot, skip, links, beside ? actuals : null);
    if (!beside) {
      walk(actualRoot, skip, null, actuals);
    }
    List<ScannedImage> images = new ArrayList<>();
    if (beside) {
      links.forEach((k, lnk) -> images.add(new ScannedImage(k, lnk, true, actuals.remove(k))));
      actuals.forEach(
          (k, act) ->
              images.add(new ScannedImage(k, act.resolveSibling(k.name() + LNK), false, act)));
    } else {
      // The local storage provider drops the spec's directory below actImagesRoot: match the
      // rest, and give a new image its link below refRoot.
      Map<ImageKey, Path> actualsByName = new HashMap<>();
      actuals.forEach((k, act) -> actualsByName.putIfAbsent(unrooted(k), act));
      Set<ImageKey> matched = new HashSet<>();
      links.forEach(
          (k, lnk) -> {
            Path act = actualsByName.get(unrooted(k));
            if (act != null) {
              matched.add(unrooted(k));
            }
            images.add(new ScannedImage(k, lnk, true, act));
          });
      actualsByName.forEach(
          (k, act) -> {
            if (!matched.contains(k)) {
              images.add(new ScannedImage(k, refRoot.resolve(k.path() + LNK), false, act));
            }
          });
    }
    images.sort((a, b) -> a.key().compareTo(b.key()));
    return images;
  }

  private static ImageKey unrooted(ImageKey k) {
    return new ImageKey("", k.spec(), k.runtime(), k.name());
  }

  static boolean same(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private static void walk(
      Path root, Path skip, Map<ImageKey, Path> links, Map<ImageKey, Path> actuals)
      throws IOException {
    Path skipped = skip == null ? null : skip.toAbsolutePath().normalize();
    Path absRoot = root.toAbsolutePath().normalize();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            Path abs = dir.toAbsolutePath().normalize();
            if (!abs.equals(absRoot)
                && (SKIPPED_DIRS.contains(dir.getFileName().toString()) || abs.equals(skipped))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              classify(root.relativize(file), file, links, actuals);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (file.equals(root)) {
              throw e;
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void classify(
      Path relative, Path file, Map<ImageKey, Path> links, Map<ImageKey, Path> actuals) {
    int n = relative.getNameCount();
    if (n < DEPTH || !relative.getName(n - DEPTH).toString().equals(ImageKey.IMAGES)) {
      return;
    }
    String fileName = relative.getName(n - 1).toString();
    String name;
    boolean link = false;
    boolean preferred = false;
    if (fileName.endsWith(LNK)) {
      name = strip(fileName, LNK);
      link = true;
    } else if (fileName.endsWith(ACT)) {
      name = strip(fileName, ACT);
      preferred = true;
    } else if (fileName.endsWith(PNG) && fileName.indexOf('.') == fileName.length() - 4) {
      name = strip(fileName, PNG);
    } else {
      return;
    }
    if (name.isEmpty()) {
      return;
    }
    StringBuilder base = new StringBuilder();
    for (int i = 0; i < n - DEPTH; i++) {
      base.append(relative.getName(i)).append('/');
    }
    StringBuilder runtime = new StringBuilder();
    for (int i = n - DEPTH + 2; i < n - 1; i++) {
      runtime.append(runtime.isEmpty() ? "" : "/").append(relative.getName(i));
    }
    ImageKey key =
        new ImageKey(
            base.toString(), relative.getName(n - DEPTH + 1).toString(), runtime.toString(), name);
    if (link) {
      if (links != null) {
        links.put(key, file);
      }
    } else if (actuals != null && (preferred || !actuals.containsKey(key))) {
      actuals.put(key, file);
    }
  }

  private static String strip(String fileName, String ending) {
    return fileName.substring(0, fileName.length() - ending.length());
  }
}
