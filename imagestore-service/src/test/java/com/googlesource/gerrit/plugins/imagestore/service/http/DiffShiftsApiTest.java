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

import static com.google.common.truth.Truth.assertThat;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ShiftInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.MovedBlocks;
import com.googlesource.gerrit.plugins.imagestore.service.testing.PostgresTestDatabase;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moved blocks in {@code GET /diff/{a}/{b}/info} over real HTTP, stored with the diff, on the
 * embedded H2 database and on PostgreSQL: a screenshot whose block moved, the figures read back
 * from the store, and a row stored before the detection existed.
 */
class DiffShiftsApiTest {
  abstract static class Contract {
    @TempDir Path dir;
    TestService service;

    abstract TestService start(Path dir) throws Exception;

    @AfterEach
    void stop() throws Exception {
      if (service != null) {
        service.close();
      }
    }

    private ImageId upload(byte[] png) throws Exception {
      try (ImagestoreClient c = service.client(UPLOADER)) {
        Path file = Files.createTempFile(dir, "upload-", ".png");
        Files.write(file, png);
        return c.upload(file, null).id();
      }
    }

    private JsonObject info(ImageId a, ImageId b) throws Exception {
      HttpResponse<byte[]> r =
          service.send(service.request("/diff/" + a + "/" + b + "/info", null).build());
      assertThat(r.statusCode()).isEqualTo(200);
      return JsonParser.parseString(new String(r.body())).getAsJsonObject();
    }

    private String storedShifts() {
      return service
          .store()
          .database()
          .read(
              c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT shifts, shifted_pixels FROM diffs");
                    ResultSet rs = ps.executeQuery()) {
                  assertThat(rs.next()).isTrue();
                  String shifts = rs.getString(1);
                  long pixels = rs.getLong(2);
                  return shifts == null ? null : shifts + " / " + pixels;
                }
              });
    }

    @Test
    void infoReportsTheMoveAndStoresIt() throws Exception {
      service = start(dir);
      MovedBlocks.Pair pair = new MovedBlocks(1280, 800, 1).pair(MovedBlocks.Kind.MOVE_XY);
      MovedBlocks.Move move = pair.moves().get(0);
      ImageId a = upload(pair.reference());
      ImageId b = upload(pair.changed());

      JsonObject json = info(a, b);
      JsonArray shifts = json.getAsJsonArray("shifts");
      assertThat(shifts.size()).isEqualTo(1);
      JsonObject shift = shifts.get(0).getAsJsonObject();
      assertThat(shift.get("dx").getAsInt()).isEqualTo(move.dx());
      assertThat(shift.get("dy").getAsInt()).isEqualTo(move.dy());
      assertThat(
              MovedBlocks.overlap(
                  new int[] {
                    shift.get("x").getAsInt(),
                    shift.get("y").getAsInt(),
                    shift.get("width").getAsInt(),
                    shift.get("height").getAsInt()
                  },
                  new int[] {move.x(), move.y(), move.width(), move.height()}))
          .isAtLeast(0.8);
      long shifted = json.get("shiftedPixels").getAsLong();
      assertThat(shift.get("mismatchedPixels").getAsLong()).isEqualTo(shifted);
      assertThat(shifted).isAtMost(json.get("mismatchedPixels").getAsLong());
      assertThat(shifted).isGreaterThan(0);
      // A move is a change: the verdict counts every mismatched pixel.
      assertThat(json.get("passed").getAsBoolean()).isFalse();

      String stored = storedShifts();
      assertThat(stored).endsWith(" / " + shifted);
      assertThat(stored).contains("," + move.dx() + "," + move.dy() + ",");

      // Read back from the store by the client library: the same moves.
      try (ImagestoreClient client = service.client(null)) {
        DiffInfo again = client.diffInfo(a, b).orElseThrow();
        assertThat(again.shifts).hasSize(1);
        ShiftInfo s = again.shifts.get(0);
        assertThat(s.dx).isEqualTo(move.dx());
        assertThat(s.dy).isEqualTo(move.dy());
        assertThat(s.x).isEqualTo(shift.get("x").getAsInt());
        assertThat(s.mismatchedPixels).isEqualTo(shifted);
        assertThat(again.shiftedPixels).isEqualTo(shifted);
      }
    }

    @Test
    void aColourChangeHasNoShifts() throws Exception {
      service = start(dir);
      MovedBlocks.Pair pair = new MovedBlocks(1280, 800, 1).pair(MovedBlocks.Kind.COLOUR_ONLY);
      JsonObject json = info(upload(pair.reference()), upload(pair.changed()));
      assertThat(json.get("mismatchedPixels").getAsLong()).isGreaterThan(0);
      assertThat(json.getAsJsonArray("shifts").size()).isEqualTo(0);
      assertThat(json.get("shiftedPixels").getAsLong()).isEqualTo(0);
      assertThat(storedShifts()).isEqualTo(" / 0");
    }

    @Test
    void aRowStoredBeforeTheDetectionIsComputedAgainOnItsNextRead() throws Exception {
      service = start(dir);
      MovedBlocks.Pair pair = new MovedBlocks(1280, 800, 1).pair(MovedBlocks.Kind.MOVE_X);
      ImageId a = upload(pair.reference());
      ImageId b = upload(pair.changed());
      JsonObject first = info(a, b);
      String stored = storedShifts();
      // As the V9 migration leaves the rows it finds.
      service
          .store()
          .database()
          .read(
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement("UPDATE diffs SET shifts = NULL, shifted_pixels = NULL")) {
                  return ps.executeUpdate();
                }
              });
      assertThat(storedShifts()).isNull();

      JsonObject again = info(a, b);
      assertThat(again.get("shifts")).isEqualTo(first.get("shifts"));
      assertThat(again.get("shiftedPixels")).isEqualTo(first.get("shiftedPixels"));
      assertThat(again.get("mismatchedPixels")).isEqualTo(first.get("mismatchedPixels"));
      assertThat(storedShifts()).isEqualTo(stored);
      assertThat(again.getAsJsonArray("shifts").size()).isEqualTo(1);
    }
  }

  @Nested
  class OnH2 extends Contract {
    @Override
    TestService start(Path dir) throws Exception {
      return TestService.start(dir);
    }
  }

  @Nested
  class OnPostgres extends Contract {
    private PostgresTestDatabase pg;

    @Override
    TestService start(Path dir) throws Exception {
      pg = PostgresTestDatabase.create();
      return TestService.start(dir, c -> c.withDatabase(pg.url(), pg.user(), pg.password()));
    }

    @AfterEach
    void dropDatabase() throws Exception {
      if (service != null) {
        service.close(); // before its database goes
        service = null;
      }
      if (pg != null) {
        pg.close();
      }
    }
  }
}
