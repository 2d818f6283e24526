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

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.compare.Comparison;
import com.googlesource.gerrit.plugins.imagestore.client.compare.Region;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff endpoints' ignore regions and pass rule over real HTTP. */
class DiffIgnoreApiTest {
  private static final int W = 640;
  private static final int H = 400;
  private static final String CLOCK = "520,4,70,26";
  private static final int HATCH = 0xffcfdcf0;
  private static final int HATCH_STRIPE = 0xff6f8fc8;
  private static final int RED = 0xffff0000;

  @TempDir static Path dir;
  static TestService service;
  static ImagestoreClient anonymous;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(dir);
    anonymous = service.client(null);
  }

  @AfterAll
  static void stop() throws Exception {
    anonymous.close();
    service.close();
  }

  /**
   * A business app screenshot ({@code seed} picks its texts) with a clock showing {@code time} in
   * the shell bar, at {@link #CLOCK}, and a status text at the bottom.
   */
  static byte[] screen(int seed, String time, String status) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(TestPngs.screenshot(W, H, seed)));
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(0x354a5f));
    g.fillRect(520, 4, 70, 26);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(time, 528, 23);
    g.setColor(new Color(0x32363a));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(status, 140, 390);
    g.dispose();
    return TestPngs.encode(img);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return service.send(service.request(path, null).build());
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    return JsonParser.parseString(new String(r.body())).getAsJsonObject();
  }

  private static JsonObject info(ImageId a, ImageId b, String query) throws Exception {
    HttpResponse<byte[]> r = get("/diff/" + a + "/" + b + "/info" + query);
    assertThat(r.statusCode()).isEqualTo(200);
    return json(r);
  }

  private static int storedDiffs(String where) {
    return service
        .store()
        .database()
        .read(
            c -> {
              try (PreparedStatement ps =
                      c.prepareStatement("SELECT COUNT(*) FROM diffs WHERE " + where);
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
              }
            });
  }

  @Test
  void aClockInAnIgnoredRegionDoesNotFailTheComparison() throws Exception {
    ImageId a = service.upload(screen(11, "10:41", "Saved"));
    ImageId b = service.upload(screen(11, "10:42", "Saved"));

    // A strict rule: no mismatched pixel at all.
    JsonObject plain = info(a, b, "?maxMismatchedPixels=0");
    assertThat(plain.get("mismatchedPixels").getAsLong()).isGreaterThan(10L);
    assertThat(plain.get("passed").getAsBoolean()).isFalse();
    assertThat(plain.get("ignoredPixels").getAsLong()).isEqualTo(0);
    assertThat(plain.getAsJsonArray("ignore")).isEmpty();

    int withRegions = storedDiffs("ignore_sha256 <> ''");
    JsonObject ignoring =
        info(a, b, "?ignore=" + CLOCK + "&ignore=630,390,50,50&maxMismatchedPixels=0");
    assertThat(ignoring.get("mismatchedPixels").getAsLong()).isEqualTo(0);
    assertThat(ignoring.get("antialiasedPixels").getAsLong()).isEqualTo(0);
    // The second region is clipped to the image: 10 x 10 of it count.
    assertThat(ignoring.get("ignoredPixels").getAsLong()).isEqualTo(70 * 26 + 10 * 10);
    assertThat(ignoring.get("mismatchPercentage").getAsDouble()).isEqualTo(0.0);
    assertThat(ignoring.get("passed").getAsBoolean()).isTrue();
    JsonArray regions = ignoring.getAsJsonArray("ignore");
    assertThat(regions).hasSize(2);
    JsonObject clock = regions.get(0).getAsJsonObject();
    assertThat(clock.get("x").getAsInt()).isEqualTo(520);
    assertThat(clock.get("y").getAsInt()).isEqualTo(4);
    assertThat(clock.get("width").getAsInt()).isEqualTo(70);
    assertThat(clock.get("height").getAsInt()).isEqualTo(26);
    assertThat(regions.get(1).getAsJsonObject().get("width").getAsInt()).isEqualTo(50);
    assertThat(storedDiffs("ignore_sha256 <> ''")).isEqualTo(withRegions + 1);

    // The same regions in another order, repeated: the same stored comparison and picture.
    HttpResponse<byte[]> picture =
        get("/diff/" + a + "/" + b + "?ignore=" + CLOCK + "&ignore=630,390,50,50");
    HttpResponse<byte[]> again =
        get("/diff/" + a + "/" + b + "?ignore=630,390,50,50&ignore=" + CLOCK + "&ignore=" + CLOCK);
    assertThat(picture.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(picture.body());
    assertThat(again.headers().firstValue("ETag")).isEqualTo(picture.headers().firstValue("ETag"));
    assertThat(storedDiffs("ignore_sha256 <> ''")).isEqualTo(withRegions + 1);
    assertThat(service.store().blobs().exists(ImageId.sha256Hex(picture.body()))).isTrue();

    // The picture hatches the clock and marks nothing; without the region the clock is red.
    BufferedImage hatched = ImageIO.read(new ByteArrayInputStream(picture.body()));
    BufferedImage marked =
        ImageIO.read(new ByteArrayInputStream(get("/diff/" + a + "/" + b).body()));
    long hatch = 0;
    long red = 0;
    long redBefore = 0;
    for (int y = 4; y < 30; y++) {
      for (int x = 520; x < 590; x++) {
        int rgb = hatched.getRGB(x, y);
        hatch += rgb == HATCH || rgb == HATCH_STRIPE ? 1 : 0;
        red += rgb == RED ? 1 : 0;
        redBefore += marked.getRGB(x, y) == RED ? 1 : 0;
      }
    }
    assertThat(hatch).isEqualTo(70 * 26);
    assertThat(red).isEqualTo(0);
    assertThat(redBefore).isEqualTo(plain.get("mismatchedPixels").getAsLong());
  }

  @Test
  void thePassRuleAppliesToWhatIsCompared() throws Exception {
    ImageId a = service.upload(screen(12, "09:00", "Saved"));
    ImageId b = service.upload(screen(12, "09:01", "Saved 3 items"));
    JsonObject ignoring = info(a, b, "?ignore=" + CLOCK + "&maxMismatchedPixels=0");
    long left = ignoring.get("mismatchedPixels").getAsLong();
    assertThat(left).isGreaterThan(10L);
    assertThat(ignoring.get("passed").getAsBoolean()).isFalse();

    JsonObject lenient =
        info(
            a,
            b,
            "?ignore=" + CLOCK + "&maxMismatchPercentage=5&maxMismatchedPixels=" + (left + 1));
    assertThat(lenient.get("mismatchedPixels").getAsLong()).isEqualTo(left);
    assertThat(lenient.get("passed").getAsBoolean()).isTrue();
    assertThat(lenient.get("maxMismatchedPixels").getAsLong()).isEqualTo(left + 1);
    JsonObject justBelow =
        info(a, b, "?ignore=" + CLOCK + "&maxMismatchPercentage=5&maxMismatchedPixels=" + left);
    assertThat(justBelow.get("passed").getAsBoolean()).isFalse();

    // Thresholds and anti-aliasing combine with regions.
    JsonObject counted = info(a, b, "?ignore=" + CLOCK + "&includeAntialiasing=true&threshold=0.2");
    assertThat(counted.get("includeAntialiasing").getAsBoolean()).isTrue();
    assertThat(counted.get("threshold").getAsDouble()).isEqualTo(0.2);
    assertThat(counted.get("ignoredPixels").getAsLong()).isEqualTo(70 * 26);
  }

  @Test
  void badRegionsAreRefusedAndChangeNothing() throws Exception {
    ImageId a = service.upload(screen(13, "11:00", "Saved"));
    ImageId b = service.upload(screen(13, "11:01", "Saved"));
    int stored = storedDiffs("1 = 1");
    StringBuilder tooMany = new StringBuilder("?ignore=0,0,1,1");
    for (int i = 1; i <= 100; i++) {
      tooMany.append("&ignore=").append(i).append(",0,1,1");
    }
    List<String> bad =
        List.of(
            "?ignore=1,2,3",
            "?ignore=a,b,c,d",
            "?ignore=-1,0,5,5",
            "?ignore=0,0,0,5",
            "?ignore=0,0,5,0",
            "?ignore=0,0,5,5,5",
            "?ignore=",
            "?ignore=0,0,99999999999,5",
            "?ignore=" + "1".repeat(70) + ",0,1,1",
            "?ignore=" + CLOCK + "&ignore=0,0,1",
            tooMany.toString());
    for (String query : bad) {
      for (String path : List.of("/diff/" + a + "/" + b, "/diff/" + a + "/" + b + "/info")) {
        HttpResponse<byte[]> r = get(path + query);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject error = json(r);
        assertThat(error.get("error").getAsString()).isEqualTo("bad_parameter");
        assertThat(error.get("message").getAsString()).contains("ignore");
      }
    }
    assertThat(
            json(get("/diff/" + a + "/" + b + "/info?ignore=1,2,3")).get("message").getAsString())
        .isEqualTo(
            "ignore must be x,y,width,height (whole numbers; x, y from 0; width, height from 1),"
                + " not '1,2,3'");
    assertThat(json(get("/diff/" + a + "/" + b + "/info" + tooMany)).get("message").getAsString())
        .isEqualTo("at most 100 ignore regions, not 101");
    assertThat(storedDiffs("1 = 1")).isEqualTo(stored);

    // 100 are fine.
    String hundred = tooMany.substring(0, tooMany.lastIndexOf("&"));
    assertThat(info(a, b, hundred).getAsJsonArray("ignore")).hasSize(100);
  }

  @Test
  void onlyAFewComparisonsWithRegionsAreStoredPerPair() throws Exception {
    ImageId a = service.upload(screen(14, "12:00", "Saved"));
    ImageId b = service.upload(screen(14, "12:01", "Saved"));
    String pair = "sha256_a <> sha256_b AND ignore_sha256 <> ''";
    int before = storedDiffs(pair);
    for (int i = 0; i < 20; i++) {
      JsonObject r = info(a, b, "?ignore=" + CLOCK + "&ignore=" + i + ",100,10,10");
      assertThat(r.get("ignoredPixels").getAsLong()).isEqualTo(70 * 26 + 100);
      assertThat(r.get("mismatchedPixels").getAsLong()).isEqualTo(0);
      HttpResponse<byte[]> picture =
          get("/diff/" + a + "/" + b + "?ignore=" + CLOCK + "&ignore=" + i + ",100,10,10");
      assertThat(picture.statusCode()).isEqualTo(200);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(picture.body()));
      assertThat(img.getRGB(i, 100)).isAnyOf(HATCH, HATCH_STRIPE);
    }
    // 16 stored, the other 4 computed on each request and stored nowhere.
    assertThat(storedDiffs(pair) - before).isEqualTo(16);
  }

  @Test
  void theClientComparesAsAComparisonSays() throws Exception {
    ImageId a = service.upload(screen(15, "13:00", "Saved"));
    ImageId b = service.upload(screen(15, "13:01", "Saved"));
    Comparison strict = Comparison.DEFAULT.withMaxMismatchedPixels(0);
    Comparison ignoringClock =
        strict.withIgnore(List.of(new Region(600, 390, 100, 100), new Region(520, 4, 70, 26)));

    DiffInfo plain = anonymous.diffInfo(a, b, strict).orElseThrow();
    assertThat(plain.passed).isFalse();
    assertThat(plain.maxMismatchedPixels).isEqualTo(0);
    DiffInfo info = anonymous.diffInfo(a, b, ignoringClock).orElseThrow();
    assertThat(info.passed).isTrue();
    assertThat(info.mismatchedPixels).isEqualTo(0);
    assertThat(info.ignoredPixels).isEqualTo(70 * 26 + 40 * 10);
    assertThat(info.ignore).hasSize(2);
    assertThat(info.ignore.get(0).x).isEqualTo(520);
    assertThat(info.ignore.get(1).width).isEqualTo(100);

    // The picture's address carries the regions (not the rule), and shows them hatched.
    String url = anonymous.diffUrl(a, b, ignoringClock).toString();
    assertThat(url).endsWith("?ignore=520%2C4%2C70%2C26&ignore=600%2C390%2C100%2C100");
    HttpResponse<byte[]> picture = get(url.substring(service.url().toString().length() - 1));
    assertThat(picture.statusCode()).isEqualTo(200);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(picture.body()));
    assertThat(img.getRGB(530, 10)).isAnyOf(HATCH, HATCH_STRIPE);
    assertThat(img.getRGB(639, 399)).isAnyOf(HATCH, HATCH_STRIPE);
  }
}
