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

package com.googlesource.gerrit.plugins.imagestore.review;

import com.google.gson.annotations.SerializedName;
import java.util.List;

/**
 * What a patch set does to the screenshots: the body of {@code GET
 * /changes/{id}/revisions/{revision}/imagestore~previews}, the source of the review comment and of
 * the change-screen panel. Gerrit's REST layer writes the fields in snake_case.
 */
public class PreviewsInfo {
  public int change;
  public int patchSet;

  /** One line, e.g. {@code 3 images changed: 1 modified, 1 added, 1 deleted}. */
  public String summary;

  public Counts counts;

  /** Why some images are not verified, when some are not. */
  public String serviceProblem;

  /** Most attention first: problems, then the most changed, then added, then deleted. */
  public List<ImagePreview> images;

  public static class Counts {
    public int added;
    public int modified;
    public int deleted;

    /** Images a link names (reference or variant) that the image service does not have. */
    public int missing;

    /** Links that do not parse. */
    public int invalid;

    /** Modified images that fail the diff rule. */
    public int failed;

    /** New images the service could not be asked about (down, slow, or past the cap). */
    public int unverified;
  }

  public static class ImagePreview {
    public String path;
    public String name;

    /** Absent when the path does not follow UIVeri5's layout. */
    public RuntimeInfo runtime;

    /** {@code added}, {@code modified} or {@code deleted}. */
    public String status;

    /** The image of the base; absent for added links. */
    public ImageLink reference;

    /** The image of the patch set; absent for deleted links and links that do not parse. */
    @SerializedName("new")
    public ImageLink newImage;

    /**
     * The accepted variants the patch set's link lists ({@code alt=} lines), in their order; absent
     * when it lists none.
     */
    public List<ImageLink> variants;

    /** Only for modified links whose two images both exist. */
    public DiffLink diff;

    /** Why the link does not name an image, when it does not. */
    public String problem;
  }

  public static class RuntimeInfo {
    public String spec;
    public String platform;
    public String resolution;
    public String browser;
    public String theme;
    public String direction;
    public String mode;

    /** A short label, e.g. {@code linux · 1920x1080 · chrome · light · ltr · cozy}. */
    public String label() {
      return String.join(" · ", platform, resolution, browser, theme, direction, mode);
    }
  }

  public static class ImageLink {
    public String uuid;
    public String url;
    public boolean missing;

    /** Why the service could not tell whether it has the image; absent when it could. */
    public String problem;
  }

  public static class DiffLink {
    public String url;
    public String infoUrl;
    public Long mismatchedPixels;
    public Double mismatchPercent;
    public Boolean passed;
    public Boolean sizeMismatch;

    /** Why the figures are missing, when the service could not compute them. */
    public String error;
  }
}
