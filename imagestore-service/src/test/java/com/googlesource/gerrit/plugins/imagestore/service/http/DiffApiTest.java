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

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient.DiffQuery;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /diff/{a}/{b}} and {@code …/info} over real HTTP, and the client's diff calls. */
class DiffApiTest {
  private static final int W = 120;
  private static final int H = 80;
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  @TempDir static Path dir;
  @TempDir Path tmp;
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

  /** A light screen with a dark bar; {@code dots} dark pixels at (10 + 7i, 50). */
  private static byte[] screen(int width, int height, int dots, int seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0xf0f0f0 + seed));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(0x203040));
    g.fillRect(0, 0, width, 20);
    g.dispose();
    for (int i = 0; i < dots; i++) {
      img.setRGB(10 + 7 * i, 50, 0xff000000);
    }
    return TestPngs.encode(img);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return service.send(service.request(path, null).build());
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    return JsonParser.parseString(new String(r.body())).getAsJsonObject();
  }

  private static int storedDiffs() {
    return service
        .store()
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM diffs");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
              }
            });
  }

  @Test
  void diffPictureIsComputedOnceAndServedFromTheStore() throws Exception {
    ImageId a = service.upload(screen(W, H, 0, 1));
    byte[] bBytes = screen(W, H, 3, 1);
    ImageId b = service.upload(bBytes);
    int before = storedDiffs();

    HttpResponse<byte[]> first = get("/diff/" + a + "/" + b);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(first.headers().firstValue("Cache-Control")).hasValue(IMMUTABLE);
    assertThat(first.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    BufferedImage picture = ImageIO.read(new ByteArrayInputStream(first.body()));
    assertThat(picture.getWidth()).isEqualTo(W);
    assertThat(picture.getHeight()).isEqualTo(H);
    for (int i = 0; i < 3; i++) {
      assertThat(picture.getRGB(10 + 7 * i, 50)).isEqualTo(0xffff0000);
    }
    assertThat(picture.getRGB(5, 5) & 0xffffff).isNotEqualTo(0xff0000);

    // Stored: one row, and the picture in the blob store under the ETag.
    String sha = ImageId.sha256Hex(first.body());
    assertThat(first.headers().firstValue("ETag")).hasValue('"' + sha + '"');
    assertThat(storedDiffs()).isEqualTo(before + 1);
    assertThat(service.store().blobs().exists(sha)).isTrue();

    // With B's bytes gone from the blob store nothing could be computed: the stored diff answers.
    String shaB = ImageId.sha256Hex(bBytes);
    assertThat(service.store().blobs().delete(shaB)).isTrue();
    HttpResponse<byte[]> second = get("/diff/" + a + "/" + b);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    HttpResponse<byte[]> info = get("/diff/" + a + "/" + b + "/info");
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(json(info).get("mismatchedPixels").getAsLong()).isEqualTo(3);
    assertThat(storedDiffs()).isEqualTo(before + 1);

    // Revalidation and HEAD.
    HttpResponse<byte[]> notModified =
        service.send(
            service
                .request("/diff/" + a + "/" + b, null)
                .header("If-None-Match", '"' + sha + '"')
                .build());
    assertThat(notModified.statusCode()).isEqualTo(304);
    HttpResponse<byte[]> head =
        service.send(
            service
                .request("/diff/" + a + "/" + b, null)
                .method("HEAD", BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void infoHasTheFiguresAndTheVerdict() throws Exception {
    ImageId a = service.upload(screen(W, H, 0, 2));
    ImageId b = service.upload(screen(W, H, 5, 2));

    HttpResponse<byte[]> r = get("/diff/" + a + "/" + b + "/info");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue(IMMUTABLE);
    JsonObject info = json(r);
    assertThat(info.get("uuidA").getAsString()).isEqualTo(a.value());
    assertThat(info.get("uuidB").getAsString()).isEqualTo(b.value());
    assertThat(info.get("width").getAsInt()).isEqualTo(W);
    assertThat(info.get("height").getAsInt()).isEqualTo(H);
    assertThat(info.get("mismatchedPixels").getAsLong()).isEqualTo(5);
    assertThat(info.get("mismatchPercentage").getAsDouble()).isWithin(1e-9).of(500.0 / (W * H));
    assertThat(info.get("antialiasedPixels").getAsLong()).isEqualTo(0);
    assertThat(info.get("sizeMismatch").getAsBoolean()).isFalse();
    assertThat(info.get("identical").getAsBoolean()).isFalse();
    assertThat(info.get("threshold").getAsDouble()).isEqualTo(0.1);
    assertThat(info.get("includeAntialiasing").getAsBoolean()).isFalse();
    assertThat(info.get("maxMismatchPercentage").getAsDouble()).isEqualTo(0.1);
    assertThat(info.get("maxMismatchedPixels").getAsLong()).isEqualTo(200);
    // min(0.1 % of 9,600 = 9.6, 200): 5 is below.
    assertThat(info.get("allowedMismatchedPixels").getAsDouble()).isWithin(1e-9).of(9.6);
    assertThat(info.get("passed").getAsBoolean()).isTrue();

    // The rule changes the verdict only; the comparison is the stored one.
    int stored = storedDiffs();
    DiffInfo strict = anonymous.diffInfo(a, b, new DiffQuery(null, null, null, 5L)).orElseThrow();
    assertThat(strict.passed).isFalse();
    assertThat(strict.mismatchedPixels).isEqualTo(5);
    assertThat(storedDiffs()).isEqualTo(stored);

    // Another threshold is another comparison, stored under its own key: at 1.0 even black dots
    // on a light ground are similar enough.
    DiffInfo lenient = anonymous.diffInfo(a, b, new DiffQuery(1.0, null, null, null)).orElseThrow();
    assertThat(lenient.threshold).isEqualTo(1.0);
    assertThat(lenient.mismatchedPixels).isEqualTo(0);
    assertThat(storedDiffs()).isEqualTo(stored + 1);
  }

  @Test
  void identicalBytesAreEqualWithoutBeingDecoded() throws Exception {
    byte[] undecodable = TestPngs.undecodable(TestPngs.png(64, 32, 77));
    ImageId id = service.upload(undecodable);
    String other = "0123456789abcdef0123456789abcdef";
    HttpResponse<String> put =
        service.sendForString(
            service
                .request("/images/" + other + "?import=true", TestService.ADMIN)
                .header("Content-Type", "image/png")
                .PUT(BodyPublishers.ofByteArray(undecodable))
                .build());
    assertThat(put.statusCode()).isEqualTo(201);
    int stored = storedDiffs();

    for (String pair : List.of(id + "/" + id, id + "/" + other)) {
      HttpResponse<byte[]> r = get("/diff/" + pair + "/info");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject info = json(r);
      assertThat(info.get("identical").getAsBoolean()).isTrue();
      assertThat(info.get("mismatchedPixels").getAsLong()).isEqualTo(0);
      assertThat(info.get("width").getAsInt()).isEqualTo(64);
      assertThat(info.get("height").getAsInt()).isEqualTo(32);
      assertThat(info.get("passed").getAsBoolean()).isTrue();
    }
    assertThat(storedDiffs()).isEqualTo(stored);

    // Against other bytes it must be decoded, and cannot be: 422 naming it.
    ImageId good = service.upload(screen(64, 32, 0, 3));
    for (String path : List.of("/diff/" + good + "/" + id, "/diff/" + id + "/" + good + "/info")) {
      HttpResponse<byte[]> r = get(path);
      assertThat(r.statusCode()).isEqualTo(422);
      JsonObject error = json(r);
      assertThat(error.get("error").getAsString()).isEqualTo("undecodable_image");
      assertThat(error.get("message").getAsString()).contains("image " + id + " cannot be decoded");
    }
  }

  @Test
  void identicalImagesHaveABlankPicture() throws Exception {
    ImageId a = service.upload(screen(W, H, 2, 4));
    HttpResponse<byte[]> r = get("/diff/" + a + "/" + a);
    assertThat(r.statusCode()).isEqualTo(200);
    BufferedImage picture = ImageIO.read(new ByteArrayInputStream(r.body()));
    assertThat(picture.getWidth()).isEqualTo(W);
    assertThat(picture.getHeight()).isEqualTo(H);
    // Identical bytes are not decoded: the picture is blank where the dark bar and dots are.
    assertThat(picture.getRGB(10, 50)).isEqualTo(0xffffffff);
    assertThat(picture.getRGB(5, 5)).isEqualTo(0xffffffff);
  }

  @Test
  void aDifferentSizeIsAFullMismatch() throws Exception {
    ImageId a = service.upload(screen(W, H, 0, 5));
    ImageId b = service.upload(screen(W, H + 10, 0, 5));
    DiffInfo info = anonymous.diffInfo(a, b).orElseThrow();
    assertThat(info.sizeMismatch).isTrue();
    assertThat(info.width).isEqualTo(W);
    assertThat(info.height).isEqualTo(H + 10);
    assertThat(info.mismatchedPixels).isEqualTo((long) W * (H + 10));
    assertThat(info.mismatchPercentage).isEqualTo(100.0);
    assertThat(info.passed).isFalse();

    Path target = tmp.resolve("diff.png");
    assertThat(anonymous.downloadDiff(a, b, DiffQuery.DEFAULTS, target)).isTrue();
    assertThat(ImageIO.read(target.toFile()).getHeight()).isEqualTo(H + 10);
  }

  @Test
  void clientAnswersEmptyForAMissingImage() throws Exception {
    ImageId a = service.upload(screen(W, H, 0, 6));
    ImageId missing = ImageId.of("f".repeat(32));
    assertThat(anonymous.diffInfo(a, missing)).isEmpty();
    assertThat(anonymous.downloadDiff(missing, a, DiffQuery.DEFAULTS, tmp.resolve("x.png")))
        .isFalse();
    assertThat(Files.exists(tmp.resolve("x.png"))).isFalse();
    assertThat(anonymous.diffUrl(a, missing).toString())
        .isEqualTo(service.url() + "diff/" + a + "/" + missing);
    assertThat(anonymous.diffUrl(a, missing, new DiffQuery(0.2, true, 1.0, 5L)).toString())
        .isEqualTo(
            service.url()
                + "diff/"
                + a
                + "/"
                + missing
                + "?threshold=0.2&includeAntialiasing=true");
  }

  @Test
  void concurrentRequestsForOnePairStoreOneDiff() throws Exception {
    ImageId a = service.upload(screen(W, H, 0, 7));
    ImageId b = service.upload(screen(W, H, 4, 7));
    int before = storedDiffs();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String path = "/diff/" + a + "/" + b + (i % 2 == 0 ? "" : "/info");
        HttpRequest request = service.request(path, null).build();
        answers.add(pool.submit(() -> service.send(request)));
      }
      byte[] picture = null;
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<byte[]> r = answers.get(i).get();
        assertThat(r.statusCode()).isEqualTo(200);
        if (i % 2 == 0) {
          if (picture != null) {
            assertThat(r.body()).isEqualTo(picture);
          }
          picture = r.body();
        } else {
          assertThat(json(r).get("mismatchedPixels").getAsLong()).isEqualTo(4);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(storedDiffs()).isEqualTo(before + 1);
  }
}
