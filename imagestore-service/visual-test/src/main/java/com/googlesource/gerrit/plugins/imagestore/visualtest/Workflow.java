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
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.SpecInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadMeta;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.diff.PngHeader;
import com.googlesource.gerrit.plugins.imagestore.diff.Side;
import com.googlesource.gerrit.plugins.imagestore.diff.UndecodableImageException;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The visual-test workflow over a UIVeri5 tree: compare every fresh screenshot with its reference,
 * then optionally point the links at the new images ({@code update}), store what the service lacks
 * ({@code upload}) and ask Gerrit for a review of the changed links per test and runtime ({@code
 * central}). Prints a line per image and a summary to {@code out}, problems and progress to {@code
 * err}, and writes the reference, the new image and their diff of every failure into the output
 * directory as UIVeri5's local storage provider names them ({@code <name>.ref.png}, {@code
 * .act.png}, {@code .diff.png}), with an HTML report beside them.
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
      boolean upload,
      Central central) {}

  /** Exit codes: all passed (or were updated), something failed, bad input. */
  public static final int OK = 0;

  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  /** What a run did. */
  public record Outcome(
      List<ImageResult> results,
      Set<ImageKey> updated,
      int uploaded,
      int alreadyStored,
      int uploadFailures,
      int reviews,
      int reviewFailures,
      int exitCode) {
    public long count(Status status) {
      return results.stream().filter(r -> r.status() == status).count();
    }
  }

  private final Settings settings;
  private final ImagestoreClient client;
  private final ReferenceCache cache;
  private final ImageDiffer differ;
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
    this.differ = new ImageDiffer(settings.diffOptions());
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  public Outcome run() throws IOException, InterruptedException {
    List<ScannedImage> images =
        TreeScanner.scan(settings.refRoot(), settings.actualRoot(), settings.outDir());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.jobs()));
    try {
      List<ImageResult> results = compareAll(images, pool);
      for (ImageResult r : results) {
        if (r.status() != Status.NO_SCREENSHOT) {
          out.println(line(r));
        }
      }
      Set<ImageKey> updated = settings.update() ? update(results) : Set.of();
      Uploads uploads = settings.upload() ? upload(results, pool) : new Uploads(0, 0, Set.of());
      int[] reviews =
          settings.central() == null ? new int[2] : central(results, updated, uploads.failed());
      HtmlReport.write(settings.report(), results, updated, settings.rule());
      Outcome outcome =
          new Outcome(
              results,
              updated,
              uploads.uploaded(),
              uploads.alreadyStored(),
              uploads.failed().size(),
              reviews[0],
              reviews[1],
              0);
      outcome = withExitCode(outcome);
      printSummary(outcome);
      return outcome;
    } finally {
      pool.shutdownNow();
    }
  }

  // --- compare ----------------------------------------------------------------------------------

  private List<ImageResult> compareAll(List<ScannedImage> images, ExecutorService pool)
      throws InterruptedException {
    List<Future<ImageResult>> futures = new ArrayList<>(images.size());
    long toCompare = images.stream().filter(i -> i.actual() != null).count();
    Progress progress = new Progress(err, terminal, toCompare);
    AtomicInteger failed = new AtomicInteger();
    for (ScannedImage image : images) {
      futures.add(
          pool.submit(
              () -> {
                ImageResult r = compareSafely(image);
                if (image.actual() != null) {
                  if (r.status() != Status.PASSED) {
                    failed.incrementAndGet();
                  }
                  progress.step(failed.get());
                }
                return r;
              }));
    }
    List<ImageResult> results = new ArrayList<>(images.size());
    try {
      for (Future<ImageResult> f : futures) {
        results.add(f.get());
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("comparing failed unexpectedly", e.getCause());
    }
    progress.done();
    return results;
  }

  private ImageResult compareSafely(ScannedImage image) {
    try {
      return compare(image);
    } catch (LnkFile.MalformedLnkException e) {
      return ImageResult.error(
          image, null, "malformed link " + image.lnk() + ": " + e.getMessage());
    } catch (NoSuchFileException e) {
      return ImageResult.error(image, null, "no such file: " + e.getFile());
    } catch (IOException | RuntimeException e) {
      return ImageResult.error(image, null, String.valueOf(e.getMessage()));
    }
  }

  private ImageResult compare(ScannedImage image)
      throws IOException, LnkFile.MalformedLnkException {
    ImageId ref = image.lnkExists() ? LnkFile.parse(Files.readAllBytes(image.lnk())) : null;
    if (image.actual() == null) {
      return ImageResult.of(image, Status.NO_SCREENSHOT, ref, null);
    }
    Path outRef = outFile(image, TreeScanner.REF_PNG);
    Path outAct = outFile(image, TreeScanner.ACT);
    Path outDiff = outFile(image, TreeScanner.DIFF_PNG);
    // A picture of an earlier run must not pass for one of this run.
    Files.deleteIfExists(outRef);
    Files.deleteIfExists(outDiff);
    if (!TreeScanner.same(outAct, image.actual())) {
      Files.deleteIfExists(outAct);
    }
    byte[] act = Files.readAllBytes(image.actual());
    ImageId actId = ImageId.forContent(act);
    try {
      if (ref == null || ref.equals(actId)) {
        PngHeader h = PngHeader.parse(act);
        if (ref == null) {
          return new ImageResult(
              image, Status.NEW, null, actId, null, null, copyActual(image, act), null, null);
        }
        DiffResult identical = ImageDiffer.identical(h.width(), h.height());
        return new ImageResult(image, Status.PASSED, ref, actId, identical, null, null, null, null);
      }
      Optional<byte[]> refBytes = cache.get(ref);
      if (refBytes.isEmpty()) {
        return new ImageResult(
            image,
            Status.MISSING,
            ref,
            actId,
            null,
            null,
            copyActual(image, act),
            null,
            "the service has no image " + ref);
      }
      DiffResult figures = differ.compare(refBytes.get(), act);
      if (figures.passes(settings.rule())) {
        return new ImageResult(image, Status.PASSED, ref, actId, figures, null, null, null, null);
      }
      DiffResult withPicture = differ.diff(refBytes.get(), act);
      AtomicFiles.write(outRef, refBytes.get());
      AtomicFiles.write(outDiff, withPicture.diffPng());
      return new ImageResult(
          image,
          Status.FAILED,
          ref,
          actId,
          withPicture.withoutPicture(),
          outRef,
          copyActual(image, act),
          outDiff,
          null);
    } catch (UndecodableImageException e) {
      String which =
          e.image() == Side.A
              ? "the reference " + ref + " is no readable PNG"
              : image.actual() + " is no readable PNG";
      return ImageResult.error(image, ref, which + ": " + e.getMessage());
    }
  }

  private Path outFile(ScannedImage image, String ending) {
    return settings.outDir().resolve(image.key().path() + ending);
  }

  private Path copyActual(ScannedImage image, byte[] act) throws IOException {
    Path target = outFile(image, TreeScanner.ACT);
    if (!TreeScanner.same(target, image.actual())) {
      AtomicFiles.write(target, act);
    }
    return target;
  }

  private String line(ImageResult r) {
    String name = r.image().key().path();
    String label = String.format(Locale.ROOT, "%-7s %s", r.status().label, name);
    return switch (r.status()) {
      case PASSED -> label + "  " + figures(r.figures());
      case FAILED -> label + "  " + figures(r.figures()) + "; diff: " + r.diffPng();
      case NEW -> label + "  no reference yet (" + r.actual() + ")";
      case MISSING, ERROR -> label + "  " + r.message();
      case NO_SCREENSHOT -> label + "  no new screenshot";
    };
  }

  private String figures(DiffResult f) {
    return describe(f, settings.rule());
  }

  /** The figures of a comparison in words, with the bound of the pass rule. */
  static String describe(DiffResult f, PassRule rule) {
    if (f.identical()) {
      return "identical";
    }
    if (f.sizeMismatch()) {
      return "the sizes differ";
    }
    return String.format(
        Locale.ROOT,
        "%d px mismatched (%.4f %%, allowed below %.1f px), %d anti-aliased",
        f.mismatchedPixels(),
        f.mismatchPercentage(),
        rule.allowedMismatchedPixels(f.totalPixels()),
        f.antialiasedPixels());
  }

  // --- update -----------------------------------------------------------------------------------

  private Set<ImageKey> update(List<ImageResult> results) {
    Set<ImageKey> updated = new HashSet<>();
    for (ImageResult r : results) {
      if (!r.status().needsNewReference()) {
        continue;
      }
      Path lnk = r.image().lnk();
      try {
        // Exactly what UIVeri5 writes: "uuid=" and the id, no line break.
        AtomicFiles.write(lnk, LnkFile.formatBytes(r.actual()));
        updated.add(r.image().key());
        out.println("updated " + lnk + " -> " + r.actual());
      } catch (IOException e) {
        err.println("imagestore: cannot write " + lnk + ": " + e.getMessage());
      }
    }
    return updated;
  }

  // --- upload -----------------------------------------------------------------------------------

  private record Uploads(int uploaded, int alreadyStored, Set<ImageId> failed) {}

  private record Candidate(ImageId id, Path file, ImageKey key) {}

  private Uploads upload(List<ImageResult> results, ExecutorService pool)
      throws InterruptedException {
    Map<ImageId, Candidate> candidates = new LinkedHashMap<>();
    for (ImageResult r : results) {
      boolean identical = r.status() == Status.PASSED && r.actual().equals(r.reference());
      if (r.status().needsNewReference() || identical) {
        // The new image (for an identical one: the reference itself, in case the service lost it).
        candidates.putIfAbsent(
            r.actual(), new Candidate(r.actual(), r.image().actual(), r.image().key()));
      }
      if (r.status() == Status.FAILED) {
        try {
          ImageId diffId = ImageId.forContent(Files.readAllBytes(r.diffPng()));
          candidates.putIfAbsent(diffId, new Candidate(diffId, r.diffPng(), r.image().key()));
        } catch (IOException e) {
          err.println("imagestore: cannot read " + r.diffPng() + ": " + e.getMessage());
        }
      }
    }
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger present = new AtomicInteger();
    Set<ImageId> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Future<?>> futures = new ArrayList<>();
    for (Candidate c : candidates.values()) {
      futures.add(
          pool.submit(
              (Callable<Void>)
                  () -> {
                    try {
                      if (client.exists(c.id())) {
                        present.incrementAndGet();
                      } else if (client.upload(c.file(), meta(c.key())).created()) {
                        uploaded.incrementAndGet();
                      } else {
                        present.incrementAndGet();
                      }
                    } catch (IOException e) {
                      failed.add(c.id());
                      err.println("imagestore: cannot upload " + c.file() + ": " + e.getMessage());
                    }
                    return null;
                  }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("uploading failed unexpectedly", e.getCause());
      }
    }
    out.printf(
        Locale.ROOT,
        "uploaded %d image(s), %d already stored%s%n",
        uploaded.get(),
        present.get(),
        failed.isEmpty() ? "" : ", " + failed.size() + " failed");
    return new Uploads(uploaded.get(), present.get(), failed);
  }

  /** UIVeri5's upload metadata, from the path. */
  private UploadMeta meta(ImageKey key) {
    String[] rt = key.runtime().split("/", -1);
    UploadMeta meta = new UploadMeta();
    meta._meta = new UploadMeta.Meta();
    meta._meta.spec = new SpecInfo();
    meta._meta.spec.name = key.spec();
    if (settings.central() != null) {
      meta._meta.spec.branch = settings.central().branch();
    }
    UploadMeta.Uiveri5Runtime runtime = new UploadMeta.Uiveri5Runtime();
    runtime.platformName = rt[0];
    runtime.platformResolution = rt[1];
    runtime.browserName = rt[2];
    runtime.ui5 = new UploadMeta.Ui5();
    runtime.ui5.theme = rt[3];
    runtime.ui5.direction = rt[4];
    runtime.ui5.mode = rt[5];
    meta._meta.runtime = runtime;
    return meta;
  }

  // --- central ----------------------------------------------------------------------------------

  /** One review call per test and runtime with updated links; returns {calls, failures}. */
  private int[] central(List<ImageResult> results, Set<ImageKey> updated, Set<ImageId> failed) {
    Central c = settings.central();
    Path repoRoot = c.repoRoot().toAbsolutePath().normalize();
    Map<String, List<ImageResult>> groups = new TreeMap<>();
    for (ImageResult r : results) {
      if (updated.contains(r.image().key())) {
        groups
            .computeIfAbsent(
                r.image().key().spec() + "\n" + r.image().key().runtime(), k -> new ArrayList<>())
            .add(r);
      }
    }
    int calls = 0;
    int failures = 0;
    for (List<ImageResult> group : groups.values()) {
      ImageKey first = group.get(0).image().key();
      String what = first.spec() + " " + first.runtime();
      if (group.stream().anyMatch(r -> failed.contains(r.actual()))) {
        failures++;
        err.println("imagestore: no review for " + what + ": some of its images were not uploaded");
        continue;
      }
      CentralReviewInput in = new CentralReviewInput();
      in.branch = c.branch();
      in.test = first.spec();
      in.runtime = first.runtime();
      in.responsible = c.responsible();
      in.message = c.message();
      in.images = new TreeMap<>();
      boolean outside = false;
      for (ImageResult r : group) {
        Path lnk = r.image().lnk().toAbsolutePath().normalize();
        if (!lnk.startsWith(repoRoot)) {
          outside = true;
          break;
        }
        in.images.put(repoRoot.relativize(lnk).toString().replace('\\', '/'), r.actual().value());
      }
      if (outside) {
        failures++;
        err.println("imagestore: no review for " + what + ": its links are outside " + repoRoot);
        continue;
      }
      calls++;
      try {
        CentralReviewInfo info = c.gerrit().createReview(c.project(), in);
        String state =
            info.unchanged
                ? "unchanged"
                : info.created
                    ? "new change " + info.number
                    : "change " + info.number + " patch set " + info.patchSet;
        out.println("review  " + what + ": " + info.url + " (" + state + ")");
        if (info.reviewerError != null) {
          err.println("imagestore: " + what + ": no reviewer added: " + info.reviewerError);
        }
      } catch (IOException e) {
        failures++;
        err.println("imagestore: review for " + what + " failed: " + e.getMessage());
      }
    }
    return new int[] {calls, failures};
  }

  // --- summary ----------------------------------------------------------------------------------

  private Outcome withExitCode(Outcome o) {
    int code = OK;
    for (ImageResult r : o.results()) {
      if (r.status() == Status.ERROR) {
        code = BAD_INPUT;
        break;
      }
      if (r.status().needsNewReference() && !o.updated().contains(r.image().key())) {
        code = FAILED;
      }
    }
    if (code == OK && (o.uploadFailures() > 0 || o.reviewFailures() > 0)) {
      code = FAILED;
    }
    return new Outcome(
        o.results(),
        o.updated(),
        o.uploaded(),
        o.alreadyStored(),
        o.uploadFailures(),
        o.reviews(),
        o.reviewFailures(),
        code);
  }

  private void printSummary(Outcome o) {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, o.count(s));
    }
    long compared = o.results().size() - counts.get(Status.NO_SCREENSHOT);
    out.printf(
        Locale.ROOT,
        "%d image(s): %d passed, %d failed, %d new, %d missing reference(s), %d error(s);"
            + " %d link(s) without a new screenshot; references: %d from the cache, %d"
            + " downloaded%s%n",
        compared,
        counts.get(Status.PASSED),
        counts.get(Status.FAILED),
        counts.get(Status.NEW),
        counts.get(Status.MISSING),
        counts.get(Status.ERROR),
        counts.get(Status.NO_SCREENSHOT),
        cache.hits(),
        cache.downloads(),
        settings.update() ? "; " + o.updated().size() + " link(s) updated" : "");
    out.println("report: " + settings.report());
  }
}
