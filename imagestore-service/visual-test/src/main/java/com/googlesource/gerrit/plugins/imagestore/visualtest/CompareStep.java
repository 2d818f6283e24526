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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.PngHeader;
import com.googlesource.gerrit.plugins.imagestore.diff.Side;
import com.googlesource.gerrit.plugins.imagestore.diff.UndecodableImageException;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.OutputFiles;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first step: compares every fresh screenshot with its reference and writes the reference, the
 * new image and their diff of every failure into the output directory. A screenshot that fails
 * against the reference passes when it matches an accepted variant of its link ({@code alt=}).
 */
final class CompareStep {
  private final Workflow.Settings settings;
  private final ReferenceCache cache;
  private final ImageDiffer differ;

  CompareStep(Workflow.Settings settings, ReferenceCache cache) {
    this.settings = settings;
    this.cache = cache;
    this.differ = new ImageDiffer(settings.diffOptions());
  }

  /** Compares the images on {@code pool}, reporting progress to {@code err}; in their order. */
  List<ImageResult> compareAll(
      List<ScannedImage> images, ExecutorService pool, PrintStream err, boolean terminal)
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
    Links links = image.lnkExists() ? LnkFile.parseLinks(Files.readAllBytes(image.lnk())) : null;
    ImageResult r = compare(image, links);
    return links == null ? r : r.withVariants(links.variants());
  }

  private ImageResult compare(ScannedImage image, Links links) throws IOException {
    ImageId ref = links == null ? null : links.reference();
    if (image.actual() == null) {
      return ImageResult.noScreenshot(image, ref);
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
    // The listed image being compared, for the message when it is no PNG.
    ImageId comparing = ref;
    try {
      if (ref == null || links.names(actId)) {
        PngHeader h = PngHeader.parse(act);
        if (ref == null) {
          return ImageResult.newImage(image, actId, copyActual(image, act));
        }
        return ImageResult.passed(image, ref, actId, ImageDiffer.identical(h.width(), h.height()))
            .matching(actId);
      }
      Optional<byte[]> refBytes = cache.get(ref);
      DiffResult figures = null;
      if (refBytes.isPresent()) {
        figures = differ.compare(refBytes.get(), act);
        if (figures.passes(settings.rule())) {
          return ImageResult.passed(image, ref, actId, figures).matching(ref);
        }
      }
      // Failed against the reference (or it is missing): any accepted variant will do.
      List<ImageId> missingVariants = new ArrayList<>();
      for (ImageId variant : links.variants()) {
        comparing = variant;
        Optional<byte[]> variantBytes = cache.get(variant);
        if (variantBytes.isEmpty()) {
          missingVariants.add(variant);
          continue;
        }
        DiffResult variantFigures = differ.compare(variantBytes.get(), act);
        if (variantFigures.passes(settings.rule())) {
          return ImageResult.passed(image, ref, actId, variantFigures).matching(variant);
        }
      }
      comparing = ref;
      String variantsNote = variantsNote(links, missingVariants);
      if (refBytes.isEmpty()) {
        return ImageResult.missing(
            image,
            ref,
            actId,
            copyActual(image, act),
            "the service has no image " + ref + (variantsNote == null ? "" : "; " + variantsNote));
      }
      DiffResult withPicture = differ.diff(refBytes.get(), act);
      AtomicFiles.write(outRef, refBytes.get());
      AtomicFiles.write(outDiff, withPicture.diffPng());
      return ImageResult.failed(
              image,
              ref,
              actId,
              withPicture.withoutPicture(),
              new OutputFiles(outRef, copyActual(image, act), outDiff))
          .saying(variantsNote);
    } catch (UndecodableImageException e) {
      // The listed image is image A of the comparison, the fresh screenshot image B.
      String which =
          e.image() == Side.A
              ? (comparing.equals(ref) ? "the reference " : "the variant ")
                  + comparing
                  + " is no readable PNG"
              : image.actual() + " is no readable PNG";
      return ImageResult.error(image, ref, which + ": " + e.getMessage());
    }
  }

  /** What a failure says of the variants: how many did not match, which the service lacks. */
  private static String variantsNote(Links links, List<ImageId> missing) {
    if (links.variants().isEmpty()) {
      return null;
    }
    int compared = links.variants().size() - missing.size();
    String note =
        compared == 0
            ? ""
            : "none of its " + compared + (compared == 1 ? " variant matches" : " variants match");
    if (!missing.isEmpty()) {
      note +=
          (note.isEmpty() ? "" : "; ")
              + "the service has no variant "
              + String.join(", ", missing.stream().map(ImageId::value).toList());
    }
    return note;
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
}
