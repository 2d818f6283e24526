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

import com.googlesource.gerrit.plugins.imagestore.client.GerritReviewClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.visualtest.CentralStep.Reviews;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import com.googlesource.gerrit.plugins.imagestore.visualtest.UploadStep.Uploads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The visual-test workflow over a UIVeri5 tree: compare every fresh screenshot with its reference,
 * then optionally point the links at the new images ({@code update}), store what the service lacks
 * ({@code upload}) and ask Gerrit for a review of the changed links per test and runtime ({@code
 * central}). Prints a line per image and a summary to {@code out}, problems and progress to {@code
 * err}, and writes the reference, the new image and their diff of every failure into the output
 * directory as UIVeri5's local storage provider names them ({@code <name>.ref.png}, {@code
 * .act.png}, {@code .diff.png}), with an HTML report beside them. Each step is a class of its own
 * ({@link CompareStep}, {@link UpdateStep}, {@link UploadStep}, {@link CentralStep}, {@link
 * Summary}); this one runs them in order.
 */
public final class Workflow {
  /** What {@code --central} needs: the Gerrit endpoint and the change's target. */
  public record Central(
      GerritReviewClient gerrit,
      String project,
      String branch,
      String responsible,
      String message,
      Path repoRoot) {}

  /**
   * @param refRoot the tree with the links (and, by default, the screenshots)
   * @param actualRoot where the screenshots are when not beside the links (UIVeri5's {@code
   *     actImagesRoot}), or null
   * @param asVariant with {@code update}: add new images to failing links as accepted variants
   *     instead of replacing their reference
   * @param central null unless {@code --central}
   */
  public record Settings(
      Path refRoot,
      Path actualRoot,
      Path outDir,
      Path report,
      DiffOptions diffOptions,
      PassRule rule,
      int jobs,
      boolean update,
      boolean asVariant,
      boolean upload,
      Central central) {}

  /** Exit codes: all passed (or were updated), something failed, bad input. */
  public static final int OK = 0;

  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  /**
   * What a run did; {@code exitCode} is one of {@link #OK}, {@link #FAILED}, {@link #BAD_INPUT}.
   */
  public record Outcome(
      List<ImageResult> results,
      Set<ImageKey> updated,
      Uploads uploads,
      Reviews reviews,
      int exitCode) {
    public long count(Status status) {
      return results.stream().filter(r -> r.status() == status).count();
    }
  }

  private final Settings settings;
  private final ImagestoreClient client;
  private final ReferenceCache cache;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;

  public Workflow(
      Settings settings,
      ImagestoreClient client,
      ReferenceCache cache,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    this.settings = settings;
    this.client = client;
    this.cache = cache;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  public Outcome run() throws IOException, InterruptedException {
    List<ScannedImage> images =
        TreeScanner.scan(settings.refRoot(), settings.actualRoot(), settings.outDir());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.jobs()));
    try {
      List<ImageResult> results =
          new CompareStep(settings, cache).compareAll(images, pool, err, terminal);
      for (ImageResult r : results) {
        if (r.status() != Status.NO_SCREENSHOT) {
          out.println(Summary.line(r, settings.rule()));
        }
      }
      Set<ImageKey> updated =
          settings.update() ? UpdateStep.run(results, settings.asVariant(), out, err) : Set.of();
      Central central = settings.central();
      Uploads uploads =
          settings.upload()
              ? new UploadStep(client, central == null ? null : central.branch(), out, err)
                  .run(results, pool)
              : Uploads.NONE;
      Reviews reviews =
          central == null
              ? Reviews.NONE
              : new CentralStep(central, out, err).run(results, updated, uploads.failed());
      HtmlReport.write(settings.report(), results, updated, settings.rule());
      int exitCode = Summary.exitCode(results, updated, uploads, reviews);
      Outcome outcome = new Outcome(results, updated, uploads, reviews, exitCode);
      Summary.print(out, outcome, cache, settings);
      return outcome;
    } finally {
      pool.shutdownNow();
    }
  }
}
