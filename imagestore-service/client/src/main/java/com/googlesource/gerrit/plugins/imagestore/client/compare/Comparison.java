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

import java.math.BigDecimal;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How two images are compared and the pass rule for the verdict: one model for the workflow, the
 * diff endpoints and the plugin.
 *
 * @param threshold how different two colours may look and still match, 0 (exact) to 1
 * @param includeAntialiasing count pixels that look like anti-aliasing as mismatches
 * @param maxMismatchPercentage the pass rule: fewer mismatched pixels than this percentage of the
 *     image (0 to 100)...
 * @param maxMismatchedPixels ...and fewer than this many (UIVeri5's rule)
 * @param ignore areas left out of the comparison (at most {@link #MAX_IGNORE_REGIONS}), sorted and
 *     without duplicates
 */
public record Comparison(
    double threshold,
    boolean includeAntialiasing,
    double maxMismatchPercentage,
    long maxMismatchedPixels,
    List<Region> ignore) {
  /** The most ignore regions one comparison takes (the diff endpoints' bound too). */
  public static final int MAX_IGNORE_REGIONS = 100;

  /** The order ignore regions travel in, so equal comparisons have equal queries. */
  public static final Comparator<Region> REGION_ORDER =
      Comparator.comparingInt(Region::y)
          .thenComparingInt(Region::x)
          .thenComparingInt(Region::height)
          .thenComparingInt(Region::width);

  /**
   * The defaults everywhere (UIVeri5's, and the service's and the workflow's before this model):
   * threshold 0.1, anti-aliasing not counted, below 0.1 % and below 200 pixels, nothing ignored.
   */
  public static final Comparison DEFAULT = new Comparison(0.1, false, 0.1, 200, List.of());

  public Comparison {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be from 0 to 1: " + threshold);
    }
    if (!(maxMismatchPercentage >= 0 && maxMismatchPercentage <= 100)) {
      throw new IllegalArgumentException(
          "maxMismatchPercentage must be from 0 to 100: " + maxMismatchPercentage);
    }
    if (maxMismatchedPixels < 0) {
      throw new IllegalArgumentException(
          "maxMismatchedPixels must not be negative: " + maxMismatchedPixels);
    }
    TreeSet<Region> regions = new TreeSet<>(REGION_ORDER);
    regions.addAll(ignore);
    if (regions.size() > MAX_IGNORE_REGIONS) {
      throw new IllegalArgumentException(
          "at most " + MAX_IGNORE_REGIONS + " ignore regions, not " + regions.size());
    }
    ignore = List.copyOf(regions);
  }

  public Comparison withThreshold(double threshold) {
    return new Comparison(
        threshold, includeAntialiasing, maxMismatchPercentage, maxMismatchedPixels, ignore);
  }

  public Comparison withIncludeAntialiasing(boolean includeAntialiasing) {
    return new Comparison(
        threshold, includeAntialiasing, maxMismatchPercentage, maxMismatchedPixels, ignore);
  }

  public Comparison withMaxMismatchPercentage(double maxMismatchPercentage) {
    return new Comparison(
        threshold, includeAntialiasing, maxMismatchPercentage, maxMismatchedPixels, ignore);
  }

  public Comparison withMaxMismatchedPixels(long maxMismatchedPixels) {
    return new Comparison(
        threshold, includeAntialiasing, maxMismatchPercentage, maxMismatchedPixels, ignore);
  }

  public Comparison withIgnore(List<Region> ignore) {
    return new Comparison(
        threshold, includeAntialiasing, maxMismatchPercentage, maxMismatchedPixels, ignore);
  }

  /** What the pass rule allows for an image of {@code totalPixels}: the smaller bound. */
  public double allowedMismatchedPixels(long totalPixels) {
    return Math.min(totalPixels * maxMismatchPercentage / 100, maxMismatchedPixels);
  }

  /** UIVeri5's verdict: nothing mismatched, or fewer than {@link #allowedMismatchedPixels}. */
  public boolean passes(long mismatchedPixels, long totalPixels) {
    return mismatchedPixels == 0 || mismatchedPixels < allowedMismatchedPixels(totalPixels);
  }

  /**
   * The query parameters of the diff endpoints for this comparison, every one explicit: {@code
   * threshold}, {@code includeAntialiasing}, then (with {@code withRule}, for {@code /info}: they
   * change only the verdict) {@code maxMismatchPercentage} and {@code maxMismatchedPixels}, then
   * {@code ignore=x,y,width,height} per region.
   */
  public List<Map.Entry<String, String>> queryParameters(boolean withRule) {
    List<Map.Entry<String, String>> q = new ArrayList<>(4 + ignore.size());
    q.add(new SimpleImmutableEntry<>("threshold", decimal(threshold)));
    q.add(new SimpleImmutableEntry<>("includeAntialiasing", "" + includeAntialiasing));
    if (withRule) {
      q.add(new SimpleImmutableEntry<>("maxMismatchPercentage", decimal(maxMismatchPercentage)));
      q.add(new SimpleImmutableEntry<>("maxMismatchedPixels", "" + maxMismatchedPixels));
    }
    for (Region r : ignore) {
      q.add(new SimpleImmutableEntry<>("ignore", r.toQueryValue()));
    }
    return q;
  }

  /**
   * The query string of {@code /diff/{a}/{b}/info} (all parameters, see {@link #queryParameters});
   * its values need no escaping (digits, dots, commas, true/false).
   */
  public String toQuery() {
    return queryParameters(true).stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("&"));
  }

  /** A number as plain decimal text ({@code 0.0001}, not {@code 1.0E-4}). */
  private static String decimal(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
