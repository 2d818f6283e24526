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

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.googlesource.gerrit.plugins.imagestore.diff.testing.MovedBlocks;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.MovedBlocks.Kind;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.MovedBlocks.Move;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Moved-content detection on screenshots of a business web app (a shell bar, navigation, toolbar
 * and a table of anti-aliased text): blocks moved, several, with a colour change elsewhere, and the
 * pairs where nothing moved. A representative subset of what {@code bench/ShiftPrecision.java}
 * measures.
 */
class ShiftDetectorTest {
  private static final ImageDiffer DIFFER = new ImageDiffer(DiffOptions.DEFAULT);

  private static boolean found(Move move, List<Shift> shifts) {
    for (Shift s : shifts) {
      if (s.dx() == move.dx()
          && s.dy() == move.dy()
          && MovedBlocks.overlap(
                  new int[] {s.x(), s.y(), s.width(), s.height()},
                  new int[] {move.x(), move.y(), move.width(), move.height()})
              >= 0.8) {
        return true;
      }
    }
    return false;
  }

  private static boolean madeBy(Shift shift, List<Move> moves) {
    return moves.stream().anyMatch(m -> m.dx() == shift.dx() && m.dy() == shift.dy());
  }

  @Test
  void blockMovedAlongEitherAxisOrBothIsFoundWithItsDisplacement() throws Exception {
    MovedBlocks blocks = new MovedBlocks(1920, 1080, 2);
    int moves = 0;
    int foundMoves = 0;
    for (int i = 0; i < 4; i++) {
      for (Kind kind : List.of(Kind.MOVE_X, Kind.MOVE_Y, Kind.MOVE_XY)) {
        MovedBlocks.Pair pair = blocks.pair(kind);
        DiffResult result = DIFFER.compare(pair.reference(), pair.changed());
        for (Shift shift : result.shifts()) {
          assertWithMessage("%s %s: %s", kind, pair.moves(), shift)
              .that(madeBy(shift, pair.moves()))
              .isTrue();
        }
        Move move = pair.moves().get(0);
        moves++;
        if (found(move, result.shifts())) {
          foundMoves++;
          assertThat(result.shiftedPixels()).isAtMost(result.mismatchedPixels());
          assertThat(result.shiftedPixels()).isAtLeast(result.mismatchedPixels() * 9 / 10);
        }
      }
    }
    // bench/ShiftPrecision: 92 % over 210 pairs; the rest have the displacement but a block short
    // of the one moved (part of it looks the same before and after).
    assertWithMessage("moves found of %s", moves).that(foundMoves).isAtLeast(moves * 3 / 4);
  }

  @Test
  void severalBlocksAreFoundEachWithItsOwnDisplacement() throws Exception {
    MovedBlocks blocks = new MovedBlocks(1920, 1080, 1);
    int moves = 0;
    int foundMoves = 0;
    for (int i = 0; i < 4; i++) {
      MovedBlocks.Pair pair = blocks.pair(Kind.SEVERAL);
      DiffResult result = DIFFER.compare(pair.reference(), pair.changed());
      assertThat(pair.moves().size()).isAtLeast(2);
      for (Shift shift : result.shifts()) {
        assertWithMessage("%s: %s", pair.moves(), shift).that(madeBy(shift, pair.moves())).isTrue();
      }
      for (Move move : pair.moves()) {
        moves++;
        foundMoves += found(move, result.shifts()) ? 1 : 0;
      }
    }
    assertWithMessage("moves found of %s", moves).that(foundMoves).isAtLeast(moves * 8 / 10);
  }

  @Test
  void moveAndColourChangeReportsTheMoveAndLeavesTheColourChangeMismatched() throws Exception {
    MovedBlocks blocks = new MovedBlocks(1920, 1080, 3);
    int found = 0;
    for (int i = 0; i < 3; i++) {
      MovedBlocks.Pair pair = blocks.pair(Kind.MOVE_AND_COLOUR);
      DiffResult result = DIFFER.compare(pair.reference(), pair.changed());
      if (found(pair.moves().get(0), result.shifts())) {
        found++;
      }
      assertThat(result.shifts().size()).isAtMost(1);
      // The recoloured element is explained by no move.
      assertThat(result.shiftedPixels()).isLessThan(result.mismatchedPixels());
      assertThat(result.passes(PassRule.DEFAULT)).isFalse();
    }
    assertThat(found).isAtLeast(2);
  }

  @Test
  void colourChangesAndRemovedElementsAreNoMoves() throws Exception {
    for (int seed = 1; seed <= 2; seed++) {
      MovedBlocks blocks = new MovedBlocks(1920, 1080, seed);
      for (int i = 0; i < 4; i++) {
        for (Kind kind : List.of(Kind.COLOUR_ONLY, Kind.REMOVED_ONLY)) {
          MovedBlocks.Pair pair = blocks.pair(kind);
          DiffResult result = DIFFER.compare(pair.reference(), pair.changed());
          if (kind == Kind.COLOUR_ONLY) {
            assertThat(result.mismatchedPixels()).isGreaterThan(0);
          }
          assertWithMessage("%s seed %s #%s", kind, seed, i).that(result.shifts()).isEmpty();
          assertThat(result.shiftedPixels()).isEqualTo(0);
        }
      }
    }
  }

  @Test
  void scatteredPixelsAndOtherScreensAreNoMoves() throws Exception {
    byte[] screen = TestPngs.screenshot(800, 600, 4);
    BufferedImage noisy = ImageIO.read(new ByteArrayInputStream(screen));
    Random random = new Random(9);
    for (int n = 0; n < 800 * 600 / 100; n++) {
      noisy.setRGB(random.nextInt(800), random.nextInt(600), random.nextBoolean() ? 0 : 0xffffff);
    }
    DiffResult noise = DIFFER.compare(screen, TestPngs.encode(noisy));
    assertThat(noise.mismatchedPixels()).isGreaterThan(1000);
    assertThat(noise.shifts()).isEmpty();

    BufferedImage inverted = ImageIO.read(new ByteArrayInputStream(screen));
    for (int y = 0; y < 600; y++) {
      for (int x = 0; x < 800; x++) {
        inverted.setRGB(x, y, ~inverted.getRGB(x, y));
      }
    }
    DiffResult other = DIFFER.compare(screen, TestPngs.encode(inverted));
    assertThat(other.mismatchedPixels()).isGreaterThan(800 * 600 / 2);
    assertThat(other.shifts()).isEmpty();

    // Another screenshot of the app: its navigation lists the same words one row further.
    DiffResult scrolled = DIFFER.compare(screen, TestPngs.screenshot(800, 600, 5));
    assertThat(scrolled.shifts()).isNotEmpty();
    for (Shift shift : scrolled.shifts()) {
      assertThat(shift.x()).isLessThan(800 / 5); // in the navigation
      assertThat(shift.dx()).isEqualTo(0);
      assertThat(shift.dy()).isEqualTo(-37); // a row of it
    }

    assertThat(DIFFER.compare(screen, screen).shifts()).isEmpty();
    assertThat(DIFFER.compare(screen, TestPngs.screenshot(801, 600, 4)).shifts()).isEmpty();
  }

  @Test
  void theMoveIsReportedWithTheDiffPictureToo() throws Exception {
    MovedBlocks.Pair pair = new MovedBlocks(1920, 1080, 2).pair(Kind.MOVE_XY);
    DiffResult figures = DIFFER.compare(pair.reference(), pair.changed());
    DiffResult withPicture = DIFFER.diff(pair.reference(), pair.changed());
    assertThat(withPicture.diffPng()).isNotNull();
    assertThat(withPicture.shifts()).isEqualTo(figures.shifts());
    assertThat(withPicture.withoutPicture().shifts()).isEqualTo(figures.shifts());
  }

  @Test
  void aMoveFartherThanTheBoundIsNotReported() throws Exception {
    BufferedImage base = ImageIO.read(new ByteArrayInputStream(TestPngs.screenshot(800, 600, 6)));
    int[] block = base.getRGB(300, 200, 160, 60, null, 0, 160);
    List<Integer> shiftsSeen = new ArrayList<>();
    for (int dx : new int[] {ShiftDetector.MAX_SHIFT, ShiftDetector.MAX_SHIFT + 8}) {
      BufferedImage moved =
          ImageIO.read(new ByteArrayInputStream(TestPngs.screenshot(800, 600, 6)));
      for (int y = 200; y < 260; y++) {
        for (int x = 300; x < 460; x++) {
          moved.setRGB(x, y, 0xffffff);
        }
      }
      moved.setRGB(300 + dx, 200, 160, 60, block, 0, 160);
      DiffResult result = DIFFER.compare(TestPngs.encode(base), TestPngs.encode(moved));
      assertThat(result.mismatchedPixels()).isGreaterThan(0);
      result.shifts().forEach(s -> shiftsSeen.add(s.dx()));
      if (dx > ShiftDetector.MAX_SHIFT) {
        assertThat(result.shifts()).isEmpty();
      }
    }
    assertThat(shiftsSeen).contains(ShiftDetector.MAX_SHIFT);
  }
}
