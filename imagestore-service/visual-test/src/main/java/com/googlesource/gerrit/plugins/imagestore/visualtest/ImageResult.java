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
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import java.nio.file.Path;
import java.util.List;

/**
 * How one image compared. Built by the factory of its status, which takes what that status has.
 *
 * @param image what the tree holds of it
 * @param status the verdict
 * @param reference the id its link names, or null (new, or a malformed link)
 * @param actual the id of the fresh screenshot (content-derived), or null
 * @param figures the comparison's figures (no picture), or null when nothing was compared
 * @param files the pictures written to the output directory
 * @param message why it is an error or a missing reference, or what else a failure has to say
 *     (variants the service lacks), or null
 * @param variants the accepted variants its link lists ({@code alt=} lines), in their order
 * @param matched the image the screenshot passed against: the reference or a variant; else null
 */
public record ImageResult(
    ScannedImage image,
    Status status,
    ImageId reference,
    ImageId actual,
    DiffResult figures,
    OutputFiles files,
    String message,
    List<ImageId> variants,
    ImageId matched) {

  public ImageResult {
    variants = List.copyOf(variants);
  }

  private ImageResult(
      ScannedImage image,
      Status status,
      ImageId reference,
      ImageId actual,
      DiffResult figures,
      OutputFiles files,
      String message) {
    this(image, status, reference, actual, figures, files, message, List.of(), null);
  }

  /** This result, for a link that also lists {@code variants}. */
  ImageResult withVariants(List<ImageId> variants) {
    return new ImageResult(
        image, status, reference, actual, figures, files, message, variants, matched);
  }

  /** This passed result, saying which listed image the screenshot matched. */
  ImageResult matching(ImageId matched) {
    return new ImageResult(
        image, status, reference, actual, figures, files, message, variants, matched);
  }

  /** This result with {@code message}. */
  ImageResult saying(String message) {
    return new ImageResult(
        image, status, reference, actual, figures, files, message, variants, matched);
  }

  /** Whether the screenshot passed against a variant rather than the reference. */
  public boolean matchedVariant() {
    return matched != null && !matched.equals(reference);
  }

  public enum Status {
    /** The screenshot matches the reference, or an accepted variant, by the pass rule. */
    PASSED("PASS"),
    /** The screenshot differs from the reference and every variant beyond the pass rule. */
    FAILED("FAIL"),
    /** There is a screenshot but no reference link. */
    NEW("NEW"),
    /** The link names an image the service does not have. */
    MISSING("MISSING"),
    /** There is a link but no fresh screenshot: the test did not run here. */
    NO_SCREENSHOT("SKIP"),
    /** The image could not be checked: a malformed link, an unreadable PNG, a failed download. */
    ERROR("ERROR");

    public final String label;

    Status(String label) {
      this.label = label;
    }

    /** Whether {@code --update} rewrites the link to the fresh screenshot. */
    public boolean needsNewReference() {
      return this == FAILED || this == NEW || this == MISSING;
    }
  }

  /**
   * The pictures of an image in the output directory, each null when not written.
   *
   * @param refPng the reference
   * @param actPng the fresh screenshot
   * @param diffPng the diff picture
   */
  public record OutputFiles(Path refPng, Path actPng, Path diffPng) {
    static final OutputFiles NONE = new OutputFiles(null, null, null);

    static OutputFiles actualOnly(Path actPng) {
      return new OutputFiles(null, actPng, null);
    }
  }

  static ImageResult noScreenshot(ScannedImage image, ImageId reference) {
    return new ImageResult(
        image, Status.NO_SCREENSHOT, reference, null, null, OutputFiles.NONE, null);
  }

  static ImageResult newImage(ScannedImage image, ImageId actual, Path actPng) {
    return new ImageResult(
        image, Status.NEW, null, actual, null, OutputFiles.actualOnly(actPng), null);
  }

  static ImageResult passed(
      ScannedImage image, ImageId reference, ImageId actual, DiffResult figures) {
    return new ImageResult(
        image, Status.PASSED, reference, actual, figures, OutputFiles.NONE, null);
  }

  static ImageResult failed(
      ScannedImage image,
      ImageId reference,
      ImageId actual,
      DiffResult figures,
      OutputFiles files) {
    return new ImageResult(image, Status.FAILED, reference, actual, figures, files, null);
  }

  static ImageResult missing(
      ScannedImage image, ImageId reference, ImageId actual, Path actPng, String message) {
    return new ImageResult(
        image, Status.MISSING, reference, actual, null, OutputFiles.actualOnly(actPng), message);
  }

  static ImageResult error(ScannedImage image, ImageId reference, String message) {
    return new ImageResult(image, Status.ERROR, reference, null, null, OutputFiles.NONE, message);
  }

  public ImageKey key() {
    return image.key();
  }

  public Path refPng() {
    return files.refPng();
  }

  public Path actPng() {
    return files.actPng();
  }

  public Path diffPng() {
    return files.diffPng();
  }
}
