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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.IgnoreRegion;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffService;
import com.googlesource.gerrit.plugins.imagestore.service.diffs.DiffService.Picture;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /diff/{uuidA}/{uuidB}}: the diff picture of two stored images, and {@code …/info}: the
 * figures and the verdict. Public, like downloads. Both ids derive from content, so the answers
 * never change and may be cached for good.
 *
 * <p>Query parameters: {@code threshold} (0..1, default 0.1) and {@code includeAntialiasing}
 * (default false) choose how the images are compared (multiples of 0.05 are computed and stored
 * once, other thresholds computed on every request: {@link DiffService#isStored}); {@code
 * maxMismatchPercentage} (default 0.1) and {@code maxMismatchedPixels} (default 200) set the pass
 * rule of the info. {@code ignore=x,y,width,height}, repeatable (at most {@link #MAX_IGNORE}),
 * leaves regions out of the comparison; the picture hatches them.
 *
 * <p>Too large a comparison is refused with 422 {@code diff_too_large}; no capacity to compute one
 * now is 503 {@code busy} with {@code Retry-After}.
 */
final class DiffEndpoints {
  /** How many {@code ignore} regions one request may name (as the configuration file allows). */
  static final int MAX_IGNORE = 100;

  private final DiffService diffs;

  DiffEndpoints(DiffService diffs) {
    this.diffs = diffs;
  }

  void info(Call call) throws IOException {
    ImageId a = call.imageId("uuidA");
    ImageId b = call.imageId("uuidB");
    DiffOptions options = options(call.req());
    PassRule rule = passRule(call.req());
    DiffResult figures = diffs.figures(a, b, options);
    call.resp().setHeader("Cache-Control", ApiServlet.IMMUTABLE);
    call.sendJson(200, WireTypes.diffInfo(figures, options, rule, a.value(), b.value()));
  }

  void picture(Call call) throws IOException {
    HttpServletResponse resp = call.resp();
    Picture picture =
        diffs.picture(call.imageId("uuidA"), call.imageId("uuidB"), options(call.req()));
    try (InputStream in = picture.bytes()) {
      String etag = '"' + picture.diff().diffSha256() + '"';
      resp.setHeader("ETag", etag);
      resp.setHeader("Cache-Control", ApiServlet.IMMUTABLE);
      if (ApiServlet.matches(call.req().getHeader("If-None-Match"), etag)) {
        resp.setStatus(304);
        return;
      }
      resp.setStatus(200);
      resp.setContentType("image/png");
      resp.setContentLengthLong(picture.diff().diffSize());
      ApiServlet.sendBytes(in, resp);
    }
  }

  private static DiffOptions options(HttpServletRequest req) {
    DiffOptions options = DiffOptions.DEFAULT;
    String threshold = req.getParameter("threshold");
    if (threshold != null) {
      options = options.withThreshold(number(threshold, "threshold", 0, 1));
    }
    String include = req.getParameter("includeAntialiasing");
    if (include != null) {
      options = options.withAntialiasingDetection(!bool(include, "includeAntialiasing"));
    }
    String[] ignore = req.getParameterValues("ignore");
    if (ignore != null) {
      options = options.withIgnore(regions(ignore));
    }
    return options;
  }

  private static List<IgnoreRegion> regions(String[] values) {
    if (values.length > MAX_IGNORE) {
      throw RequestException.badRequest(
          "bad_parameter", "at most " + MAX_IGNORE + " ignore regions, not " + values.length);
    }
    List<IgnoreRegion> regions = new ArrayList<>(values.length);
    for (String value : values) {
      regions.add(region(value));
    }
    return regions;
  }

  /** {@code x,y,width,height}: whole numbers, x and y from 0, width and height from 1. */
  private static IgnoreRegion region(String text) {
    try {
      return IgnoreRegion.parse(text);
    } catch (IllegalArgumentException e) {
      throw RequestException.badRequest("bad_parameter", e.getMessage());
    }
  }

  private static PassRule passRule(HttpServletRequest req) {
    PassRule rule = PassRule.DEFAULT;
    String percentage = req.getParameter("maxMismatchPercentage");
    String pixels = req.getParameter("maxMismatchedPixels");
    return new PassRule(
        percentage == null
            ? rule.maxMismatchPercentage()
            : number(percentage, "maxMismatchPercentage", 0, 100),
        pixels == null ? rule.maxMismatchedPixels() : count(pixels, "maxMismatchedPixels"));
  }

  private static double number(String text, String name, double min, double max) {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value >= min && value <= max) || text.length() > 32) {
      throw RequestException.badRequest(
          "bad_parameter", name + " must be a number from " + format(min) + " to " + format(max));
    }
    return value;
  }

  private static long count(String text, String name) {
    try {
      long value = Long.parseLong(text);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw RequestException.badRequest("bad_parameter", name + " must be a whole number from 0");
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static boolean bool(String text, String name) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw RequestException.badRequest("bad_parameter", name + " must be true or false");
    };
  }
}
