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

// The precision of the diff engine's moved-content detection (bench/shifts.sh runs it).
//
//   ShiftPrecision [PAIRS_PER_KIND] [SEEDS]
//
// For each seed a 1920x1080 screenshot (the engine's test fixture TestPngs.screenshot: shell bar,
// navigation, toolbar, a table of text rows) and, per kind of MovedBlocks.Kind, PAIRS_PER_KIND
// pairs: a block moved by 1-40 px along x, y or both; 2-3 blocks; a move plus a colour change
// elsewhere; and the negatives: a colour change only, an element removed only. Each pair goes
// through ImageDiffer.compare (the figures of GET /diff/{a}/{b}/info).
//
// A reported shift is correct when (dx, dy) is exactly a move made and its region overlaps that
// block in the new image by intersection over union >= 0.8. Precision = correct / reported,
// recall = moves found / moves made. Prints a table per kind and "result KEY VALUE" lines.
//
// Run with the diff engine and its test-jar on the class path.

import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.Shift;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.MovedBlocks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public class ShiftPrecision {
  static final class Tally {
    int pairs;
    int reported;
    int correct;
    int moves;
    int found;
    long mismatched;
    long shifted;
    long nanos;
    List<String> misses = new ArrayList<>();
  }

  public static void main(String[] args) throws Exception {
    int perKind = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    boolean verbose = System.getenv("BENCH_VERBOSE") != null;
    ImageDiffer differ = new ImageDiffer(DiffOptions.DEFAULT);
    Map<MovedBlocks.Kind, Tally> tallies = new LinkedHashMap<>();
    for (MovedBlocks.Kind kind : MovedBlocks.Kind.values()) {
      tallies.put(kind, new Tally());
    }
    for (int seed = 1; seed <= seeds; seed++) {
      MovedBlocks blocks = new MovedBlocks(1920, 1080, seed);
      for (int i = 0; i < perKind; i++) {
        for (MovedBlocks.Kind kind : MovedBlocks.Kind.values()) {
          MovedBlocks.Pair pair = blocks.pair(kind);
          if (verbose) {
            System.out.println("pair " + kind + " seed " + seed + " #" + i + " " + pair.moves());
          }
          long start = System.nanoTime();
          DiffResult result = differ.compare(pair.reference(), pair.changed());
          Tally t = tallies.get(kind);
          t.nanos += System.nanoTime() - start;
          t.pairs++;
          t.moves += pair.moves().size();
          t.reported += result.shifts().size();
          t.mismatched += result.mismatchedPixels();
          t.shifted += result.shiftedPixels();
          List<MovedBlocks.Move> unmatched = new ArrayList<>(pair.moves());
          for (Shift s : result.shifts()) {
            MovedBlocks.Move hit = null;
            for (MovedBlocks.Move m : unmatched) {
              if (m.dx() == s.dx()
                  && m.dy() == s.dy()
                  && MovedBlocks.overlap(
                          new int[] {s.x(), s.y(), s.width(), s.height()},
                          new int[] {m.x(), m.y(), m.width(), m.height()})
                      >= 0.8) {
                hit = m;
                break;
              }
            }
            if (hit != null) {
              unmatched.remove(hit);
              t.correct++;
              t.found++;
            } else if (verbose) {
              System.out.println("wrong " + kind + " seed " + seed + " #" + i + ": " + s + " moves " + pair.moves());
            }
          }
          if (verbose) {
            for (MovedBlocks.Move m : unmatched) {
              System.out.println("missed " + kind + " seed " + seed + " #" + i + ": " + m + " got " + result.shifts());
            }
          }
        }
      }
    }
    System.out.println(
        "| pairs | kind | moves made | shifts reported | correct | precision | recall |"
            + " mismatched px explained | ms per pair |");
    System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    Tally all = new Tally();
    for (Map.Entry<MovedBlocks.Kind, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      print(e.getKey().name(), t);
      all.pairs += t.pairs;
      all.moves += t.moves;
      all.reported += t.reported;
      all.correct += t.correct;
      all.found += t.found;
      all.mismatched += t.mismatched;
      all.shifted += t.shifted;
      all.nanos += t.nanos;
    }
    print("all", all);
    System.out.printf(Locale.ROOT, "result precision %.4f%n", ratio(all.correct, all.reported));
    System.out.printf(Locale.ROOT, "result recall %.4f%n", ratio(all.found, all.moves));
    System.out.printf(Locale.ROOT, "result false_positives %d%n", all.reported - all.correct);
  }

  static double ratio(long a, long b) {
    return b == 0 ? 1 : (double) a / b;
  }

  static void print(String name, Tally t) {
    System.out.printf(
        Locale.ROOT,
        "| %d | %s | %d | %d | %d | %s | %s | %.1f %% | %.1f |%n",
        t.pairs,
        name,
        t.moves,
        t.reported,
        t.correct,
        t.reported == 0 ? "–" : String.format(Locale.ROOT, "%.3f", ratio(t.correct, t.reported)),
        t.moves == 0 ? "–" : String.format(Locale.ROOT, "%.3f", ratio(t.found, t.moves)),
        t.mismatched == 0 ? 0.0 : 100.0 * t.shifted / t.mismatched,
        t.nanos / 1e6 / t.pairs);
  }
}
