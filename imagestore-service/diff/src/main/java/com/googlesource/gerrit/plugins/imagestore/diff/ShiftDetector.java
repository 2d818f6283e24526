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

package com.googlesource.gerrit.plugins.imagestore.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Finds blocks of the second image whose content moved from elsewhere in the first, from the pixels
 * a comparison counted as mismatched.
 *
 * <p><b>Clusters.</b> The mismatched pixels are counted in cells of {@value #CELL}×{@value #CELL}
 * pixels. A cluster grows from cells with at least {@value #DENSE_CELL} of them, over cells at most
 * {@value #JOIN_CELLS} cells apart; sparse cells join a cluster but do not extend it, so scattered
 * pixels (noise, a blinking caret) make no clusters.
 *
 * <p><b>Search.</b> For each cluster, every displacement up to {@value #MAX_SHIFT} pixels each way
 * is tried on a sample of its pixels that lie on an edge (a flat area matches itself anywhere), in
 * two directions: does b here show what a showed {@code (dx, dy)} back (the content arrived), or
 * does b show {@code (dx, dy)} on what a showed here (the content left; for the old place of a
 * block alone)? Wrong displacements fail on the first few pixels. The best must match 92 % of the
 * sample and beat the rest; near ties are settled on all the cluster's pixels, then by a
 * neighbouring move with one of the tied displacements, then by the shortest when all point the
 * same way (an edge moved along itself fits any longer move too). Content that matches nearly
 * anywhere (background, a removed block) yields nothing.
 *
 * <p><b>Check.</b> The displacement found must explain 90 % of the cluster's mismatched pixels. The
 * block reported is where content other than the background arrived (or, for an old place alone,
 * where its content went); moves by the same displacement within {@value #MERGE_GAP} pixels are one
 * block (the lines of a paragraph, the columns of a table row).
 *
 * <p><b>Bounds.</b> Nothing is searched when more than half the pixels are mismatched (other
 * screens, not moves); at most {@value #MAX_CLUSTERS} clusters, the largest first, and {@value
 * #MAX_COMPARISONS} colour comparisons in all, so hostile images cannot make the search long.
 */
final class ShiftDetector {
  /** The largest move found, in pixels along each axis. */
  static final int MAX_SHIFT = 40;

  /** The side of the square cells mismatched pixels are grouped by (8: a cell per mask byte). */
  static final int CELL = 8;

  /** Cells with mismatches at most this many cells apart (Chebyshev) belong to one cluster. */
  static final int JOIN_CELLS = 2;

  /** Moves by the same displacement at most this many pixels apart are one block. */
  static final int MERGE_GAP = 256;

  /** Mismatched pixels of a cell (of 64) from which a cluster grows. */
  static final int DENSE_CELL = 4;

  /**
   * Above this share of mismatched pixels the images are different screens, not moved blocks; the
   * detection is skipped (it would cost more than the comparison's own work there).
   */
  static final double MAX_MISMATCHED_SHARE = 0.5;

  /** Clusters tried, the largest first. */
  static final int MAX_CLUSTERS = 64;

  /** Clusters with fewer mismatched pixels in dense cells say too little to tell a move. */
  static final int MIN_CLUSTER_PIXELS = 64;

  /** Mismatched pixels of a cluster each displacement is tried on. */
  static final int SAMPLE = 256;

  /** Fewer informative pixels say too little. */
  private static final int MIN_SAMPLE = 16;

  /** More displacements passing the sample than this: the content matches nearly anywhere. */
  private static final int MAX_PASSING = 32;

  /** Displacements nearly as good as the best that are compared on all pixels; more: ambiguous. */
  private static final int MAX_TIES = 6;

  /** The first sampled pixels, spread over the cluster, on which a displacement may fail few. */
  private static final int FIRST_STAGE = 32;

  private static final int FIRST_STAGE_FAILS = 3;

  /** The share of the sample a displacement must explain (anti-aliasing may differ a little). */
  private static final double SAMPLE_MATCH = 0.92;

  /** The share of all the cluster's mismatched pixels the displacement found must explain. */
  private static final double EXPLAINED = 0.9;

  /**
   * The share of the mismatched pixels on an edge (in either image) where the displacement must
   * explain the edge itself, not just the flat colour beside it; below it the move is chance
   * (scattered changes in flat areas). Content the block now covers is lost, hence not 0.9.
   */
  private static final double EXPLAINED_EDGES = 0.6;

  /** Colour comparisons one detection may make, all clusters together. */
  static final long MAX_COMPARISONS = 4_000_000L;

  private final int[] pa;
  private final int[] pb;
  private final int width;
  private final int height;
  private final MismatchMask mask;
  private final double maxDelta;
  private final int cellsWide;
  private final int cellsHigh;
  private long comparisons;

  private ShiftDetector(int[] pa, int[] pb, MismatchMask mask, double maxDelta) {
    this.pa = pa;
    this.pb = pb;
    this.width = mask.width;
    this.height = mask.height;
    this.mask = mask;
    this.maxDelta = maxDelta;
    this.cellsWide = (width + CELL - 1) / CELL;
    this.cellsHigh = (height + CELL - 1) / CELL;
  }

  /**
   * The moves that explain mismatched pixels of {@code mask}, for images {@code pa} and {@code pb}
   * of the mask's size, whose colours match within {@code maxDelta} (on {@link
   * ImageDiffer#colorDelta}'s scale).
   */
  static List<Shift> detect(
      int[] pa, int[] pb, MismatchMask mask, long mismatched, double maxDelta) {
    return new ShiftDetector(pa, pb, mask, maxDelta).detect(mismatched);
  }

  /**
   * Cells {@code [cx0..cx1] × [cy0..cy1]} labelled {@code id}; mismatched pixels in all, in dense.
   */
  private record Cluster(
      int id, int cx0, int cy0, int cx1, int cy1, long pixels, long densePixels) {}

  private record Displacement(int dx, int dy) {}

  private List<Shift> detect(long mismatched) {
    if (mismatched > MAX_MISMATCHED_SHARE * width * height) {
      return List.of();
    }
    int[] counts = cellCounts();
    int[] labels = new int[counts.length];
    List<Cluster> clusters = clusters(counts, labels);
    clusters.sort(Comparator.comparingLong(Cluster::pixels).reversed());
    List<Shift> shifts = new ArrayList<>();
    Map<Cluster, List<Displacement>> undecided = new HashMap<>();
    for (Cluster cluster : clusters.subList(0, Math.min(clusters.size(), MAX_CLUSTERS))) {
      if (comparisons > MAX_COMPARISONS) {
        break;
      }
      if (cluster.densePixels() < MIN_CLUSTER_PIXELS) {
        continue;
      }
      int background = background(cluster);
      List<Displacement> found = displacements(cluster, labels, background);
      Shift shift = found.size() == 1 ? check(cluster, labels, found.get(0), background) : null;
      if (shift != null) {
        shifts.add(shift);
      } else if (found.size() > 1) {
        undecided.put(cluster, found);
      }
    }
    // A cluster that fits several displacements equally well (a line of text in a table of
    // like rows, a flat edge moved along itself) takes the one a move next to it has, or else
    // the shortest if they all point the same way.
    for (Map.Entry<Cluster, List<Displacement>> e : undecided.entrySet()) {
      Cluster cluster = e.getKey();
      Displacement d = neighbours(cluster, e.getValue(), shifts);
      if (d == null) {
        d = smallest(e.getValue());
      }
      if (d != null && comparisons <= MAX_COMPARISONS) {
        Shift shift = check(cluster, labels, d, background(cluster));
        if (shift != null) {
          shifts.add(shift);
        }
      }
    }
    return merged(shifts);
  }

  /** A displacement of {@code ties} that a move at most {@link #MERGE_GAP} away has. */
  private static Displacement neighbours(
      Cluster cluster, List<Displacement> ties, List<Shift> shifts) {
    Shift box =
        new Shift(
            cluster.cx0() * CELL,
            cluster.cy0() * CELL,
            (cluster.cx1() - cluster.cx0() + 1) * CELL,
            (cluster.cy1() - cluster.cy0() + 1) * CELL,
            0,
            0,
            0);
    for (Shift s : shifts) {
      if (touch(s, box) && ties.contains(new Displacement(s.dx(), s.dy()))) {
        return new Displacement(s.dx(), s.dy());
      }
    }
    return null;
  }

  /**
   * The shortest of {@code ties} when they all point the same way from no move (an edge moved along
   * itself matches any longer move too), else null.
   */
  private static Displacement smallest(List<Displacement> ties) {
    Displacement best = null;
    boolean tied = false;
    for (Displacement d : ties) {
      int length = d.dx() * d.dx() + d.dy() * d.dy();
      int bestLength =
          best == null ? Integer.MAX_VALUE : best.dx() * best.dx() + best.dy() * best.dy();
      if (length < bestLength) {
        best = d;
        tied = false;
      } else if (length == bestLength) {
        tied = true;
      }
    }
    if (tied || best == null) {
      return null;
    }
    for (Displacement d : ties) {
      boolean sameWay =
          d.dx() * best.dy() == d.dy() * best.dx()
              && Integer.signum(d.dx()) == Integer.signum(best.dx())
              && Integer.signum(d.dy()) == Integer.signum(best.dy());
      if (!sameWay) {
        return null;
      }
    }
    return best;
  }

  /** Mismatched pixels per cell: a cell's 8 pixels of a row are one byte of the mask's row. */
  private int[] cellCounts() {
    int[] counts = new int[Math.toIntExact((long) cellsWide * cellsHigh)];
    long[] words = mask.words;
    for (int y = 0; y < height; y++) {
      int row = y * mask.stride;
      int cellRow = (y / CELL) * cellsWide;
      for (int w = 0; w < mask.stride; w++) {
        long word = words[row + w];
        for (int k = 0; word != 0; k++, word >>>= 8) {
          int bits = (int) (word & 0xff);
          if (bits != 0) {
            counts[cellRow + w * 8 + k] += Integer.bitCount(bits);
          }
        }
      }
    }
    return counts;
  }

  /**
   * Labels clusters (1, 2, …) and returns them. A cluster grows from cells with at least {@link
   * #DENSE_CELL} mismatched pixels; a cell with fewer joins the cluster of a dense one near it but
   * leads nowhere further: scattered single pixels (noise, a caret) never join into a cluster.
   */
  private List<Cluster> clusters(int[] counts, int[] labels) {
    List<Cluster> clusters = new ArrayList<>();
    int[] queue = new int[counts.length];
    int next = 0;
    for (int start = 0; start < counts.length; start++) {
      if (counts[start] < DENSE_CELL || labels[start] != 0) {
        continue;
      }
      int id = ++next;
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      labels[start] = id;
      int cx0 = start % cellsWide;
      int cy0 = start / cellsWide;
      int cx1 = cx0;
      int cy1 = cy0;
      long pixels = counts[start];
      long dense = counts[start];
      while (head < tail) {
        int cell = queue[head++];
        int cx = cell % cellsWide;
        int cy = cell / cellsWide;
        for (int ny = Math.max(0, cy - JOIN_CELLS);
            ny <= Math.min(cellsHigh - 1, cy + JOIN_CELLS);
            ny++) {
          for (int nx = Math.max(0, cx - JOIN_CELLS);
              nx <= Math.min(cellsWide - 1, cx + JOIN_CELLS);
              nx++) {
            int n = ny * cellsWide + nx;
            if (counts[n] != 0 && labels[n] == 0) {
              labels[n] = id;
              pixels += counts[n];
              cx0 = Math.min(cx0, nx);
              cy0 = Math.min(cy0, ny);
              cx1 = Math.max(cx1, nx);
              cy1 = Math.max(cy1, ny);
              if (counts[n] >= DENSE_CELL) {
                dense += counts[n];
                queue[tail++] = n;
              }
            }
          }
        }
      }
      clusters.add(new Cluster(id, cx0, cy0, cx1, cy1, pixels, dense));
    }
    return clusters;
  }

  /**
   * The displacements that fit the cluster best: one, several equally good, or none. Where content
   * arrived decides first; where it left, when nothing arrived that tells (the cluster is the old
   * place of a block alone).
   */
  private List<Displacement> displacements(Cluster cluster, int[] labels, int background) {
    int[] spread = spread(cluster, labels);
    // Only edges tell where content came from: a flat area matches itself at any displacement.
    List<Displacement> arrived =
        bestDisplacements(cluster, labels, informative(spread, pb), true, background);
    if (arrived.size() == 1) {
      return arrived;
    }
    List<Displacement> left =
        bestDisplacements(cluster, labels, informative(spread, pa), false, background);
    if (left.size() == 1) {
      return left;
    }
    List<Displacement> ties = new ArrayList<>(arrived);
    for (Displacement d : left) {
      if (!ties.contains(d)) {
        ties.add(d);
      }
    }
    return ties;
  }

  /**
   * Up to about {@code 4 ×} {@link #SAMPLE} of the cluster's mismatched pixels (as indexes), evenly
   * spread in row order, then shuffled so that any first few cover the whole cluster.
   */
  private int[] spread(Cluster cluster, int[] labels) {
    int max = 4 * SAMPLE;
    long step = Math.max(1, cluster.pixels() / max);
    int[] sample = new int[max + 1];
    int n = 0;
    long seen = 0;
    long nextPick = 0;
    for (int y = cluster.cy0() * CELL; y < Math.min(height, (cluster.cy1() + 1) * CELL); y++) {
      int cellRow = (y / CELL) * cellsWide;
      for (int cx = cluster.cx0(); cx <= cluster.cx1(); cx++) {
        if (labels[cellRow + cx] != cluster.id()) {
          continue;
        }
        int bits = cellBits(cx, y);
        int count = Integer.bitCount(bits);
        if (seen + count <= nextPick) {
          seen += count;
          continue;
        }
        for (; bits != 0; bits &= bits - 1) {
          if (seen++ == nextPick && n < sample.length) {
            sample[n++] = y * width + cx * CELL + Integer.numberOfTrailingZeros(bits);
            nextPick += step;
          }
        }
      }
    }
    int[] picked = Arrays.copyOf(sample, n);
    SplittableRandom random = new SplittableRandom(n);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = picked[i];
      picked[i] = picked[j];
      picked[j] = t;
    }
    return picked;
  }

  /**
   * Up to {@link #SAMPLE} of {@code pixels} where {@code image} shows an edge: a pixel unlike one
   * of its four neighbours. Inside a flat area any displacement within it matches.
   */
  private int[] informative(int[] pixels, int[] image) {
    int[] out = new int[Math.min(SAMPLE, pixels.length)];
    int n = 0;
    for (int i = 0; i < pixels.length && n < out.length; i++) {
      if (!flat(image, pixels[i])) {
        out[n++] = pixels[i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  private boolean flat(int[] image, int p) {
    int x = p % width;
    int c = image[p];
    return (x == 0 || image[p - 1] == c)
        && (x == width - 1 || image[p + 1] == c)
        && (p < width || image[p - width] == c)
        && (p + width >= image.length || image[p + width] == c);
  }

  /** The mask's 8 bits of cell column {@code cx} in row {@code y}. */
  private int cellBits(int cx, int y) {
    return (int) (mask.words[y * mask.stride + (cx >>> 3)] >>> ((cx & 7) * 8)) & 0xff;
  }

  /** A displacement and how many pixels matched under it. */
  private record Candidate(Displacement d, long score) {}

  /**
   * The displacement under which the sample matches best, looking where the content arrived ({@code
   * arrived}: b here shows what a showed over there) or where it left (a here shows what b shows
   * over there). Null unless it matches {@link #SAMPLE_MATCH} of the sample and clearly beats every
   * other displacement; near ties are settled on all the cluster's pixels. Several when they stay
   * tied.
   */
  private List<Displacement> bestDisplacements(
      Cluster cluster, int[] labels, int[] sample, boolean arrived, int background) {
    if (sample.length < MIN_SAMPLE) {
      return List.of();
    }
    int allowedFails = sample.length - (int) Math.ceil(sample.length * SAMPLE_MATCH);
    int maxX = Math.min(MAX_SHIFT, width - 1);
    int maxY = Math.min(MAX_SHIFT, height - 1);
    List<Candidate> passed = new ArrayList<>();
    long top = 0;
    for (int dy = -maxY; dy <= maxY; dy++) {
      for (int dx = -maxX; dx <= maxX; dx++) {
        if (dx == 0 && dy == 0) {
          continue;
        }
        int score = score(sample, dx, dy, arrived, allowedFails);
        if (score >= 0) {
          if (passed.size() == MAX_PASSING) {
            return List.of(); // matches nearly anywhere: background or a repeating pattern
          }
          passed.add(new Candidate(new Displacement(dx, dy), score));
          top = Math.max(top, score);
        }
      }
    }
    long margin = Math.max(2, sample.length / 50);
    List<Candidate> near = new ArrayList<>();
    for (Candidate c : passed) {
      if (c.score() > top - margin) {
        near.add(c);
      }
    }
    if (near.size() == 1) {
      return List.of(near.get(0).d());
    }
    if (near.isEmpty() || near.size() > MAX_TIES) {
      return List.of();
    }
    // Settle near ties on every pixel of the cluster, where content arrived and where it left.
    top = -1;
    List<Displacement> best = new ArrayList<>();
    for (Candidate c : near) {
      long full =
          fullScore(cluster, labels, c.d(), true, background)
              + fullScore(cluster, labels, c.d(), false, background);
      if (full > top) {
        top = full;
        best.clear();
      }
      if (full == top) {
        best.add(c.d());
      }
    }
    return best;
  }

  /** How many of the sample match under (dx, dy); -1 once more than {@code allowedFails} fail. */
  private int score(int[] sample, int dx, int dy, boolean arrived, int allowedFails) {
    int fails = 0;
    for (int i = 0; i < sample.length; i++) {
      int p = sample[i];
      boolean match = arrived ? arrivedFrom(p, dx, dy) : leftFor(p, dx, dy);
      if (!match) {
        fails++;
        if (fails > allowedFails || (i < FIRST_STAGE && fails > FIRST_STAGE_FAILS)) {
          comparisons += i + 1;
          return -1;
        }
      }
    }
    comparisons += sample.length;
    return sample.length - fails;
  }

  /** How many of the cluster's informative pixels match under {@code d}. */
  private long fullScore(
      Cluster cluster, int[] labels, Displacement d, boolean arrived, int background) {
    int[] image = arrived ? pb : pa;
    long score = 0;
    int py1 = Math.min(height, (cluster.cy1() + 1) * CELL);
    for (int y = cluster.cy0() * CELL; y < py1; y++) {
      int cellRow = (y / CELL) * cellsWide;
      for (int cx = cluster.cx0(); cx <= cluster.cx1(); cx++) {
        if (labels[cellRow + cx] != cluster.id()) {
          continue;
        }
        for (int bits = cellBits(cx, y); bits != 0; bits &= bits - 1) {
          int p = y * width + cx * CELL + Integer.numberOfTrailingZeros(bits);
          comparisons += 2;
          if (!flat(image, p)
              && (arrived ? arrivedFrom(p, d.dx(), d.dy()) : leftFor(p, d.dx(), d.dy()))) {
            score++;
          }
        }
      }
    }
    return score;
  }

  /** Whether b at pixel {@code p} shows what a showed at {@code p - (dx, dy)}. */
  private boolean arrivedFrom(int p, int dx, int dy) {
    int x = p % width - dx;
    int y = p / width - dy;
    return x >= 0 && y >= 0 && x < width && y < height && same(pb[p], pa[y * width + x], p);
  }

  /** Whether a at pixel {@code p} shows what b shows at {@code p + (dx, dy)}. */
  private boolean leftFor(int p, int dx, int dy) {
    int x = p % width + dx;
    int y = p / width + dy;
    return x >= 0 && y >= 0 && x < width && y < height && same(pa[p], pb[y * width + x], p);
  }

  private boolean same(int c1, int c2, int p) {
    if (c1 == c2) {
      return true;
    }
    if ((c1 & c2) >>> 24 == 0xff) {
      // Opaque: the brightness term of the YIQ distance (0.5053 y², the others are not
      // negative) often exceeds the threshold alone.
      double y =
          ((c1 >> 16 & 0xff) - (c2 >> 16 & 0xff)) * 0.29889531
              + ((c1 >> 8 & 0xff) - (c2 >> 8 & 0xff)) * 0.58662247
              + ((c1 & 0xff) - (c2 & 0xff)) * 0.11448223;
      if (0.5053 * y * y > maxDelta) {
        return false;
      }
    }
    return Math.abs(ImageDiffer.colorDelta(c1, c2, 4L * p)) <= maxDelta;
  }

  /**
   * Checks displacement {@code d} on every mismatched pixel of the cluster; the move's block is
   * where content other than the background arrived, and where content left, moved by {@code d}.
   */
  private Shift check(Cluster cluster, int[] labels, Displacement d, int background) {
    int py0 = cluster.cy0() * CELL;
    int py1 = Math.min(height, (cluster.cy1() + 1) * CELL);
    Box arrivedBox = new Box();
    Box leftBox = new Box();
    long explained = 0;
    long edges = 0;
    long explainedEdges = 0;
    for (int y = py0; y < py1; y++) {
      int cellRow = (y / CELL) * cellsWide;
      for (int cx = cluster.cx0(); cx <= cluster.cx1(); cx++) {
        if (labels[cellRow + cx] != cluster.id()) {
          continue;
        }
        for (int bits = cellBits(cx, y); bits != 0; bits &= bits - 1) {
          int x = cx * CELL + Integer.numberOfTrailingZeros(bits);
          int p = y * width + x;
          boolean arrived = arrivedFrom(p, d.dx(), d.dy());
          boolean left = leftFor(p, d.dx(), d.dy());
          comparisons += 2;
          if (arrived || left) {
            explained++;
          }
          boolean edgeInB = !flat(pb, p);
          boolean edgeInA = !flat(pa, p);
          if (edgeInA || edgeInB) {
            edges++;
            if ((arrived && edgeInB) || (left && edgeInA)) {
              explainedEdges++;
            }
          }
          if (arrived && !same(pb[p], background, p)) {
            arrivedBox.add(x, y);
          }
          if (left && !same(pa[p], background, p)) {
            leftBox.add(x + d.dx(), y + d.dy());
          }
        }
      }
    }
    if (explained < EXPLAINED * cluster.pixels()
        || explainedEdges < EXPLAINED_EDGES * edges
        || (arrivedBox.empty() && leftBox.empty())) {
      return null;
    }
    // Where content arrived is the block; where it only left (a cluster of its old place alone),
    // the block is that place moved.
    Box block = arrivedBox.empty() ? leftBox : arrivedBox;
    return new Shift(
        block.x0,
        block.y0,
        block.x1 - block.x0 + 1,
        block.y1 - block.y0 + 1,
        d.dx(),
        d.dy(),
        explained);
  }

  /**
   * The commonest colour of b on the ring of pixels just around the cluster's cells (where a and b
   * are nearly always equal).
   */
  private int background(Cluster cluster) {
    int x0 = cluster.cx0() * CELL;
    int y0 = cluster.cy0() * CELL;
    int x1 = Math.min(width, (cluster.cx1() + 1) * CELL);
    int y1 = Math.min(height, (cluster.cy1() + 1) * CELL);
    Map<Integer, Integer> counts = new HashMap<>();
    int rx0 = Math.max(0, x0 - 1);
    int rx1 = Math.min(width - 1, x1);
    int ry0 = Math.max(0, y0 - 1);
    int ry1 = Math.min(height - 1, y1);
    for (int x = rx0; x <= rx1; x++) {
      counts.merge(pb[ry0 * width + x], 1, Integer::sum);
      counts.merge(pb[ry1 * width + x], 1, Integer::sum);
    }
    for (int y = ry0; y <= ry1; y++) {
      counts.merge(pb[y * width + rx0], 1, Integer::sum);
      counts.merge(pb[y * width + rx1], 1, Integer::sum);
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** A growing bounding box, inclusive. */
  private static final class Box {
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = Integer.MIN_VALUE;
    int y1 = Integer.MIN_VALUE;

    void add(int x, int y) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }

    void add(Box other) {
      if (!other.empty()) {
        add(other.x0, other.y0);
        add(other.x1, other.y1);
      }
    }

    boolean empty() {
      return x1 < x0;
    }
  }

  /**
   * Joins moves by the same displacement whose blocks are at most {@link #MERGE_GAP} apart: the
   * part where a block arrived and the part where it left can be separate clusters, and so can the
   * lines of text of one block.
   */
  private static List<Shift> merged(List<Shift> shifts) {
    List<Shift> out = new ArrayList<>(shifts);
    boolean joined = true;
    while (joined) {
      joined = false;
      outer:
      for (int i = 0; i < out.size(); i++) {
        for (int j = i + 1; j < out.size(); j++) {
          Shift s = out.get(i);
          Shift t = out.get(j);
          if (s.dx() == t.dx() && s.dy() == t.dy() && touch(s, t)) {
            int x0 = Math.min(s.x(), t.x());
            int y0 = Math.min(s.y(), t.y());
            int x1 = Math.max(s.x() + s.width(), t.x() + t.width());
            int y1 = Math.max(s.y() + s.height(), t.y() + t.height());
            out.set(
                i,
                new Shift(
                    x0,
                    y0,
                    x1 - x0,
                    y1 - y0,
                    s.dx(),
                    s.dy(),
                    s.mismatchedPixels() + t.mismatchedPixels()));
            out.remove(j);
            joined = true;
            break outer;
          }
        }
      }
    }
    out.sort(Comparator.comparingInt(Shift::y).thenComparingInt(Shift::x));
    return List.copyOf(out);
  }

  private static boolean touch(Shift s, Shift t) {
    return s.x() <= t.x() + t.width() + MERGE_GAP
        && t.x() <= s.x() + s.width() + MERGE_GAP
        && s.y() <= t.y() + t.height() + MERGE_GAP
        && t.y() <= s.y() + s.height() + MERGE_GAP;
  }
}
