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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.AuditEntryInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ReferenceCache;
import java.awt.image.BufferedImage;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload, download, info, list and delete over real HTTP. */
class ImagesApiTest {
  @TempDir static Path dir;
  static TestService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private HttpResponse<String> postMultipart(byte[] png, String meta) throws Exception {
    Multipart form = new Multipart().image(png);
    if (meta != null) {
      form.json(meta);
    }
    return service.sendForString(
        service
            .request("/images", UPLOADER)
            .header("Content-Type", form.contentType())
            .POST(BodyPublishers.ofByteArray(form.build()))
            .build());
  }

  private HttpResponse<String> put(String id, byte[] png) throws Exception {
    return service.sendForString(
        service
            .request("/images/" + id, UPLOADER)
            .header("Content-Type", "image/png")
            .PUT(BodyPublishers.ofByteArray(png))
            .build());
  }

  @Test
  void multipartUploadDerivesTheIdFromTheContentAndIsIdempotent() throws Exception {
    byte[] png = TestPngs.png(101);
    String expected = ImageId.forContent(png).value();

    HttpResponse<String> first = postMultipart(png, Multipart.uiveri5Meta("login"));
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(JsonParser.parseString(first.body()).getAsJsonObject().get("uuid").getAsString())
        .isEqualTo(expected);
    assertThat(first.headers().firstValue("Location")).hasValue("/images/" + expected);

    HttpResponse<String> again = postMultipart(png, null);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains(expected);

    ImageInfo info =
        Json.gson()
            .fromJson(
                service
                    .sendForString(
                        service.request("/images/" + expected + "/info", UPLOADER).build())
                    .body(),
                ImageInfo.class);
    assertThat(info.uuid).isEqualTo(expected);
    assertThat(info.sha256).startsWith(expected);
    assertThat(info.size).isEqualTo(png.length);
    assertThat(info.width).isEqualTo(64);
    assertThat(info.height).isEqualTo(32);
    assertThat(info.uploadedBy).isEqualTo(UPLOADER);
    assertThat(info.createdAt).isNotNull();
    assertThat(info.spec.name).isEqualTo("login");
    assertThat(info.spec.lib).isEqualTo("sap.m");
    assertThat(info.runtime.platform).isEqualTo("linux");
    assertThat(info.runtime.resolution).isEqualTo("1600x1200");
    assertThat(info.runtime.browser).isEqualTo("chrome");
    assertThat(info.runtime.theme).isEqualTo("sap_fiori_3");
    assertThat(info.runtime.direction).isEqualTo("ltr");
    assertThat(info.runtime.mode).isEqualTo("default");
    assertThat(info.referenced).isFalse();
    assertThat(info.references).isEmpty();
    assertThat(info.orphanedAt).isNotNull();
  }

  @Test
  void downloadServesTheBytesWithImmutableCachingAndEtag() throws Exception {
    byte[] png = TestPngs.png(102);
    String id = ImageId.forContent(png).value();
    assertThat(postMultipart(png, null).statusCode()).isEqualTo(201);

    HttpResponse<byte[]> get = service.send(service.request("/images/" + id, null).build());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(png);
    assertThat(get.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(get.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(get.headers().firstValue("Cache-Control").orElseThrow()).contains("immutable");
    String etag = get.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).isEqualTo("\"" + ImageId.sha256Hex(png) + "\"");

    HttpResponse<byte[]> head =
        service.send(
            service.request("/images/" + id, null).method("HEAD", BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length").orElseThrow())
        .isEqualTo(png.length);
    assertThat(head.body()).isEmpty();

    // GET answers from Jetty's core, HEAD through the servlet: the same headers either way.
    for (String header : List.of("Content-Type", "Cache-Control", "ETag", "Content-Length")) {
      assertThat(head.headers().firstValue(header)).isEqualTo(get.headers().firstValue(header));
    }

    HttpResponse<byte[]> cached =
        service.send(service.request("/images/" + id, null).header("If-None-Match", etag).build());
    assertThat(cached.statusCode()).isEqualTo(304);
    assertThat(cached.body()).isEmpty();
    assertThat(cached.headers().firstValue("ETag")).hasValue(etag);
    assertThat(cached.headers().firstValue("Cache-Control"))
        .isEqualTo(get.headers().firstValue("Cache-Control"));

    HttpResponse<String> missing =
        service.sendForString(service.request("/images/" + "0".repeat(32), null).build());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(missing.body()).contains("\"error\":\"not_found\"");
  }

  /** Images over {@link ImageService#MAX_HELD_BYTES} are streamed, never held whole. */
  @Test
  void aLargeImageIsStreamedWhole() throws Exception {
    BufferedImage noise = new BufferedImage(1800, 1400, BufferedImage.TYPE_INT_ARGB);
    Random random = new Random(5);
    for (int y = 0; y < noise.getHeight(); y++) {
      for (int x = 0; x < noise.getWidth(); x++) {
        noise.setRGB(x, y, random.nextInt());
      }
    }
    byte[] png = TestPngs.encode(noise);
    assertThat((long) png.length).isGreaterThan(ImageService.MAX_HELD_BYTES);
    String id = ImageId.forContent(png).value();
    assertThat(postMultipart(png, null).statusCode()).isEqualTo(201);

    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> get = service.send(service.request("/images/" + id, null).build());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.headers().firstValueAsLong("Content-Length").orElseThrow())
          .isEqualTo(png.length);
      assertThat(ImageId.sha256Hex(get.body())).isEqualTo(ImageId.sha256Hex(png));
    }
  }

  private HttpResponse<String> put(String id, String query, String user, byte[] png)
      throws Exception {
    return service.sendForString(
        service
            .request("/images/" + id + query, user)
            .header("Content-Type", "image/png")
            .PUT(BodyPublishers.ofByteArray(png))
            .build());
  }

  /** An admin's import under a chosen id (a legacy .lnk file's uuid). */
  private HttpResponse<String> importAs(String id, byte[] png) throws Exception {
    return put(id, "?import=true", ADMIN, png);
  }

  /**
   * Issue 11: an uploader stored picture A under the id of picture B; the real upload of B then got
   * 409 and every download of B showed A.
   */
  @Test
  void anUploaderCannotSquatTheIdOfAnotherImage() throws Exception {
    byte[] a = TestPngs.png(103);
    byte[] b = TestPngs.png(104);
    String idB = ImageId.forContent(b).value();

    for (String user : List.of(UPLOADER, ADMIN)) {
      HttpResponse<String> squat = put(idB, "", user, a);
      assertThat(squat.statusCode()).isEqualTo(400);
      assertThat(squat.body()).contains("not_content_id");
      assertThat(squat.body()).contains(ImageId.forContent(a).value());
    }
    assertThat(service.send(service.request("/images/" + idB, null).build()).statusCode())
        .isEqualTo(404);
    // Importing is for admins only.
    assertThat(put(idB, "?import=true", UPLOADER, a).statusCode()).isEqualTo(403);
    assertThat(put(idB, "?import=maybe", ADMIN, a).body()).contains("bad_import");
    assertThat(service.snapshot().images()).doesNotContain(idB);

    // The real upload of B, and B's id shows B.
    assertThat(postMultipart(b, null).statusCode()).isEqualTo(201);
    assertThat(put(idB, b).statusCode()).isEqualTo(200);
    assertThat(service.send(service.request("/images/" + idB, null).build()).body()).isEqualTo(b);
  }

  @Test
  void adminsImportUnderChosenIdsAndTheAuditLogSaysSo() throws Exception {
    byte[] png = TestPngs.png(107);
    byte[] other = TestPngs.png(108);
    String chosen = "abcdef0123456789abcdef0123456789";

    assertThat(importAs(chosen, png).statusCode()).isEqualTo(201);
    assertThat(importAs(chosen, png).statusCode()).isEqualTo(200);
    HttpResponse<String> conflict = importAs(chosen, other);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body()).contains("id_taken");
    HttpResponse<byte[]> get = service.send(service.request("/images/" + chosen, null).build());
    assertThat(get.body()).isEqualTo(png);

    HttpResponse<String> audit =
        service.sendForString(service.request("/audit?uuid=" + chosen, ADMIN).build());
    List<AuditEntryInfo> entries =
        Json.gson().fromJson(audit.body(), new TypeToken<List<AuditEntryInfo>>() {}.getType());
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).action).isEqualTo("import");
    assertThat(entries.get(0).actor).isEqualTo(ADMIN);
    assertThat(entries.get(0).sha256).isEqualTo(ImageId.sha256Hex(png));
    assertThat(entries.get(0).detail).contains("import=true");

    // The workflow's cache takes it without an account: the download's ETag vouches for it.
    try (ImagestoreClient anonymous = service.client(null)) {
      ReferenceCache cache = new ReferenceCache(service.dataDir().resolve("cache"), anonymous);
      assertThat(cache.get(ImageId.of(chosen)).orElseThrow()).isEqualTo(png);
      assertThat(cache.get(ImageId.of(chosen)).orElseThrow()).isEqualTo(png);
      assertThat(cache.hits()).isEqualTo(1);
    }
  }

  @Test
  void sameBytesUnderTwoIdsShareOneBlobUntilBothArePurged() throws Exception {
    byte[] png = TestPngs.png(105);
    String contentId = ImageId.forContent(png).value();
    String alias = "00000000000000000000000000000105";
    assertThat(postMultipart(png, null).statusCode()).isEqualTo(201);
    assertThat(importAs(alias, png).statusCode()).isEqualTo(201);
    String sha = ImageId.sha256Hex(png);
    assertThat(service.store().blobs().exists(sha)).isTrue();

    assertThat(delete(contentId, ADMIN).statusCode()).isEqualTo(204);
    assertThat(service.store().blobs().exists(sha)).isTrue();
    assertThat(service.send(service.request("/images/" + alias, null).build()).body())
        .isEqualTo(png);

    // Deleted images wait in the trash: their bytes stay until the purge of the last of them.
    assertThat(delete(alias, ADMIN).statusCode()).isEqualTo(204);
    assertThat(service.store().blobs().exists(sha)).isTrue();
    assertThat(delete(alias, ADMIN).statusCode()).isEqualTo(404);
    assertThat(service.send(service.request("/images/" + alias, null).build()).statusCode())
        .isEqualTo(404);
    assertThat(purge(contentId).statusCode()).isEqualTo(204);
    assertThat(service.store().blobs().exists(sha)).isTrue();
    assertThat(purge(alias).statusCode()).isEqualTo(204);
    assertThat(service.store().blobs().exists(sha)).isFalse();
  }

  private HttpResponse<String> purge(String id) throws Exception {
    return service.sendForString(service.request("/trash/" + id, ADMIN).DELETE().build());
  }

  @Test
  void deleteNeedsTheAdminRole() throws Exception {
    byte[] png = TestPngs.png(106);
    String id = ImageId.forContent(png).value();
    assertThat(postMultipart(png, null).statusCode()).isEqualTo(201);

    assertThat(delete(id, null).statusCode()).isEqualTo(401);
    assertThat(delete(id, UPLOADER).statusCode()).isEqualTo(403);
    assertThat(service.send(service.request("/images/" + id, null).build()).statusCode())
        .isEqualTo(200);
    assertThat(delete(id, ADMIN).statusCode()).isEqualTo(204);
    assertThat(service.send(service.request("/images/" + id, null).build()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void listPagesThroughAllIdsInOrder() throws Exception {
    for (int i = 0; i < 5; i++) {
      postMultipart(TestPngs.png(200 + i), null);
    }
    JsonArray all =
        JsonParser.parseString(
                service.sendForString(service.request("/images/", UPLOADER).build()).body())
            .getAsJsonArray();
    assertThat(all.size()).isAtLeast(5);

    HttpResponse<String> page1 =
        service.sendForString(service.request("/images?limit=2", UPLOADER).build());
    JsonArray first = JsonParser.parseString(page1.body()).getAsJsonArray();
    assertThat(first.size()).isEqualTo(2);
    String next = page1.headers().firstValue("Link").orElseThrow();
    assertThat(next).contains("after=" + first.get(1).getAsString());
    assertThat(next).contains("rel=\"next\"");
    JsonArray second =
        JsonParser.parseString(
                service
                    .sendForString(
                        service
                            .request(
                                "/images?limit=2&after=" + first.get(1).getAsString(), UPLOADER)
                            .build())
                    .body())
            .getAsJsonArray();
    assertThat(second.get(0).getAsString()).isGreaterThan(first.get(1).getAsString());
    assertThat(second.get(0).getAsString()).isEqualTo(all.get(2).getAsString());
  }

  @Test
  void healthAndIndexAnswerJson() throws Exception {
    HttpResponse<String> health = service.sendForString(service.request("/health", null).build());
    assertThat(health.statusCode()).isEqualTo(200);
    JsonObject body = JsonParser.parseString(health.body()).getAsJsonObject();
    assertThat(body.get("status").getAsString()).isEqualTo("ok");
    HttpResponse<String> index = service.sendForString(service.request("/", null).build());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("imagestore");
  }

  private HttpResponse<String> delete(String id, String user) throws Exception {
    return service.sendForString(service.request("/images/" + id, user).DELETE().build());
  }
}
