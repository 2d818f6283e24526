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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffTooLargeException;
import com.googlesource.gerrit.plugins.imagestore.diff.IgnoreRegion;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.diff.Side;
import com.googlesource.gerrit.plugins.imagestore.diff.UndecodableImageException;
import com.googlesource.gerrit.plugins.imagestore.service.http.WireTypes;
import com.googlesource.gerrit.plugins.imagestore.visualtest.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code diff A.png B.png}: compares two local images; exit 1 when the verdict is "fail". */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compare two PNG images pixel by pixel (YIQ colour distance, anti-aliasing ignored) and",
      "print the figures. Exit code 0: passed, 1: failed (too many mismatched pixels, or",
      "different sizes), 2: bad input (also images too large to compare: more pixels than",
      "the service's default limit, or more memory than three quarters of the heap)."
    })
final class DiffCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "A.png", description = "The reference image.")
  Path imageA;

  @Parameters(index = "1", paramLabel = "B.png", description = "The image to compare with it.")
  Path imageB;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description =
          "Write the diff picture here (PNG: A faded, mismatches red, anti-aliasing yellow;"
              + " blank for files with identical bytes, which are not decoded).")
  Path out;

  @Mixin DiffRuleOptions rule;

  @Option(names = "--json", description = "Print the figures as JSON (like GET /diff/…/info).")
  boolean json;

  @Option(
      names = "--ignore",
      paramLabel = "X,Y,WIDTH,HEIGHT",
      description =
          "Leave this region out of the comparison (repeatable, at most "
              + MAX_IGNORE
              + "; like the diff endpoints' ignore=).")
  List<String> ignore = List.of();

  /** As many regions as the diff endpoints and an {@code .imagestore.json} entry take. */
  static final int MAX_IGNORE = 100;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    DiffOptions options = rule.diffOptions().withIgnore(regions());
    PassRule passRule = rule.passRule();
    byte[] a;
    byte[] b;
    try {
      a = Files.readAllBytes(imageA);
      b = Files.readAllBytes(imageB);
    } catch (NoSuchFileException e) {
      System.err.println("imagestore: no such file: " + e.getFile());
      return 2;
    } catch (IOException e) {
      System.err.println("imagestore: " + e.getMessage());
      return 2;
    }
    ImageDiffer differ = new ImageDiffer(options);
    DiffResult result;
    try {
      result = out == null ? differ.compare(a, b) : differ.diff(a, b);
    } catch (DiffTooLargeException e) {
      System.err.println(
          "imagestore: "
              + (e.image() == null ? "cannot compare " + imageA + " and " + imageB : which(e))
              + ": "
              + e.getMessage());
      return 2;
    } catch (UndecodableImageException e) {
      System.err.println("imagestore: " + which(e) + ": " + e.getMessage());
      return 2;
    }
    if (out != null) {
      try {
        AtomicFiles.write(out, result.diffPng());
      } catch (IOException e) {
        System.err.println("imagestore: cannot write " + out + ": " + e.getMessage());
        return 2;
      }
    }
    boolean passed = result.passes(passRule);
    if (json) {
      System.out.println(
          Json.gson().toJson(WireTypes.diffInfo(result, options, passRule, null, null)));
    } else {
      System.out.printf(
          Locale.ROOT,
          "%s: %d of %d pixels mismatched (%.4f %%), %d anti-aliased%s; %dx%d%s%s%n",
          passed ? "passed" : "FAILED",
          result.mismatchedPixels(),
          result.totalPixels(),
          result.mismatchPercentage(),
          result.antialiasedPixels(),
          result.ignoredPixels() == 0 ? "" : ", " + result.ignoredPixels() + " ignored",
          result.width(),
          result.height(),
          result.sizeMismatch() ? ", the sizes differ" : "",
          result.identical() ? ", identical" : "");
    }
    return passed ? 0 : 1;
  }

  /** The {@code --ignore} regions; a bad one is a usage error (exit code 2). */
  private List<IgnoreRegion> regions() {
    if (ignore.size() > MAX_IGNORE) {
      throw new ParameterException(
          spec.commandLine(), "at most " + MAX_IGNORE + " --ignore regions, not " + ignore.size());
    }
    List<IgnoreRegion> regions = new ArrayList<>(ignore.size());
    for (String text : ignore) {
      try {
        regions.add(IgnoreRegion.parse(text));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
      }
    }
    return regions;
  }

  private Path which(UndecodableImageException e) {
    return e.image() == Side.B ? imageB : imageA;
  }
}
