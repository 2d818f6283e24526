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

package com.googlesource.gerrit.plugins.imagestore.diff.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Pairs of screenshots where blocks moved: the reference is a {@link TestPngs#screenshot}, the new
 * image the same with blocks of it (an element: the content of a random rectangle, trimmed to what
 * differs from the background around it) moved by up to 40 pixels, their old place filled with that
 * background, as a page shows when an element moves. Also colour changes and removals, the pairs
 * where nothing moved. Shared by the engine's tests and {@code bench/ShiftPrecision.java}.
 */
public final class MovedBlocks {
  /** A block moved: where it is in the new image, and by how much. */
  public record Move(int x, int y, int width, int height, int dx, int dy) {}

  /** A generated pair and the moves made. */
  public record Pair(String name, byte[] reference, byte[] changed, List<Move> moves) {}

  private final BufferedImage base;
  private final Random random;
  private final int width;
  private final int height;

  /** Pairs drawn from the screenshot of {@code seed}, sized {@code width}x{@code height}. */
  public MovedBlocks(int width, int height, int seed) {
    this.width = width;
    this.height = height;
    this.base = read(TestPngs.screenshot(width, height, seed));
    this.random = new Random(seed * 31L + 7);
  }

  /** The kinds of pair {@link #pair} makes. */
  public enum Kind {
    MOVE_X,
    MOVE_Y,
    MOVE_XY,
    SEVERAL,
    MOVE_AND_COLOUR,
    COLOUR_ONLY,
    REMOVED_ONLY
  }

  public Pair pair(Kind kind) {
    BufferedImage changed = copy(base);
    List<Move> moves = new ArrayList<>();
    List<int[]> taken = new ArrayList<>();
    switch (kind) {
      case MOVE_X -> move(changed, moves, taken, 1, 0);
      case MOVE_Y -> move(changed, moves, taken, 0, 1);
      case MOVE_XY -> move(changed, moves, taken, 1, 1);
      case SEVERAL -> {
        int n = 2 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
          move(changed, moves, taken, random.nextInt(2), 1);
        }
      }
      case MOVE_AND_COLOUR -> {
        move(changed, moves, taken, 1, random.nextInt(2));
        recolour(changed, taken);
      }
      case COLOUR_ONLY -> recolour(changed, taken);
      case REMOVED_ONLY -> remove(changed, taken);
    }
    return new Pair(kind.name(), TestPngs.encode(base), TestPngs.encode(changed), moves);
  }

  /** A displacement of 1..40 along the axes asked for, in either direction. */
  private int step(int along) {
    if (along == 0) {
      return 0;
    }
    int d = 1 + random.nextInt(40);
    return random.nextBoolean() ? d : -d;
  }

  private void move(
      BufferedImage img, List<Move> moves, List<int[]> taken, int alongX, int alongY) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int[] r = element();
      if (r == null) {
        continue;
      }
      int dx = step(alongX);
      int dy = step(alongY);
      if (dx == 0 && dy == 0) {
        dx = 1;
      }
      int nx = r[0] + dx;
      int ny = r[1] + dy;
      if (nx < 0 || ny < 0 || nx + r[2] > width || ny + r[3] > height) {
        continue;
      }
      // The block's old and new place, with a margin: moves stay apart from each other.
      int[] area = union(r, new int[] {nx, ny, r[2], r[3]}, 24);
      if (overlapsAny(area, taken)) {
        continue;
      }
      taken.add(area);
      int bg = r[4];
      int[] pixels = base.getRGB(r[0], r[1], r[2], r[3], null, 0, r[2]);
      for (int y = r[1]; y < r[1] + r[3]; y++) {
        for (int x = r[0]; x < r[0] + r[2]; x++) {
          img.setRGB(x, y, bg);
        }
      }
      img.setRGB(nx, ny, r[2], r[3], pixels, 0, r[2]);
      moves.add(new Move(nx, ny, r[2], r[3], dx, dy));
      return;
    }
    throw new IllegalStateException("no room to move a block");
  }

  /** A colour change of an element: its non-background pixels tinted red. */
  private void recolour(BufferedImage img, List<int[]> taken) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int[] r = element();
      if (r == null || overlapsAny(grow(r, 24), taken)) {
        continue;
      }
      taken.add(grow(r, 24));
      for (int y = r[1]; y < r[1] + r[3]; y++) {
        for (int x = r[0]; x < r[0] + r[2]; x++) {
          int c = img.getRGB(x, y);
          if (visiblyDifferent(c, r[4])) {
            // Tinted red: an error state, another theme colour.
            int red = Math.max(c >> 16 & 0xff, 200);
            int green = (c >> 8 & 0xff) / 2;
            int blue = (c & 0xff) / 2;
            img.setRGB(x, y, 0xff000000 | red << 16 | green << 8 | blue);
          }
        }
      }
      return;
    }
    throw new IllegalStateException("no room to recolour a block");
  }

  /** An element removed: its place filled with the background. */
  private void remove(BufferedImage img, List<int[]> taken) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int[] r = element();
      if (r == null || overlapsAny(grow(r, 24), taken)) {
        continue;
      }
      taken.add(grow(r, 24));
      for (int y = r[1]; y < r[1] + r[3]; y++) {
        for (int x = r[0]; x < r[0] + r[2]; x++) {
          img.setRGB(x, y, r[4]);
        }
      }
      return;
    }
    throw new IllegalStateException("no room to remove a block");
  }

  /**
   * A random rectangle trimmed to its content: {x, y, width, height, background}, where background
   * is the colour of (at least 90 % of) the rectangle's edge; null when the edge is not one colour
   * (no element on a background) or too little is left.
   */
  private int[] element() {
    int w = 40 + random.nextInt(360);
    int h = 16 + random.nextInt(160);
    int x = random.nextInt(width - w);
    int y = random.nextInt(height - h);
    Map<Integer, Integer> edge = new HashMap<>();
    for (int i = x; i < x + w; i++) {
      edge.merge(base.getRGB(i, y), 1, Integer::sum);
      edge.merge(base.getRGB(i, y + h - 1), 1, Integer::sum);
    }
    for (int j = y; j < y + h; j++) {
      edge.merge(base.getRGB(x, j), 1, Integer::sum);
      edge.merge(base.getRGB(x + w - 1, j), 1, Integer::sum);
    }
    Map.Entry<Integer, Integer> commonest =
        edge.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    int bg = commonest.getKey();
    if (commonest.getValue() < 0.9 * 2 * (w + h)) {
      return null; // not an element on a background
    }
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = -1;
    int y1 = -1;
    for (int j = y; j < y + h; j++) {
      for (int i = x; i < x + w; i++) {
        if (visiblyDifferent(base.getRGB(i, j), bg)) {
          x0 = Math.min(x0, i);
          y0 = Math.min(y0, j);
          x1 = Math.max(x1, i);
          y1 = Math.max(y1, j);
        }
      }
    }
    if (x1 - x0 < 12 || y1 - y0 < 8) {
      return null;
    }
    return new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1, bg};
  }

  /**
   * Whether two opaque colours differ beyond pixelmatch's default threshold (0.1): what the diff
   * counts, so a block's extent is what can be seen to move.
   */
  static boolean visiblyDifferent(int c1, int c2) {
    int dr = (c1 >> 16 & 0xff) - (c2 >> 16 & 0xff);
    int dg = (c1 >> 8 & 0xff) - (c2 >> 8 & 0xff);
    int db = (c1 & 0xff) - (c2 & 0xff);
    double y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
    double i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189;
    double q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
    return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q > 35215 * 0.1 * 0.1;
  }

  private static int[] grow(int[] r, int margin) {
    return new int[] {r[0] - margin, r[1] - margin, r[2] + 2 * margin, r[3] + 2 * margin};
  }

  private static int[] union(int[] a, int[] b, int margin) {
    int x0 = Math.min(a[0], b[0]);
    int y0 = Math.min(a[1], b[1]);
    int x1 = Math.max(a[0] + a[2], b[0] + b[2]);
    int y1 = Math.max(a[1] + a[3], b[1] + b[3]);
    return grow(new int[] {x0, y0, x1 - x0, y1 - y0}, margin);
  }

  private static boolean overlapsAny(int[] r, List<int[]> taken) {
    for (int[] t : taken) {
      if (r[0] < t[0] + t[2] && t[0] < r[0] + r[2] && r[1] < t[1] + t[3] && t[1] < r[1] + r[3]) {
        return true;
      }
    }
    return false;
  }

  /** Intersection over union of two rectangles {x, y, width, height}. */
  public static double overlap(int[] a, int[] b) {
    long ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
    long iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    long inter = ix * iy;
    long union = (long) a[2] * a[3] + (long) b[2] * b[3] - inter;
    return union == 0 ? 0 : (double) inter / union;
  }

  private static BufferedImage copy(BufferedImage img) {
    BufferedImage out =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    out.getGraphics().drawImage(img, 0, 0, null);
    return out;
  }

  private static BufferedImage read(byte[] png) {
    try {
      return ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
