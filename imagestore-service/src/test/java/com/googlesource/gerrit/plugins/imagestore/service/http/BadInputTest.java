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
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.PASSWORD;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import com.googlesource.gerrit.plugins.imagestore.service.testing.Multipart;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.Snapshot;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input of every kind gets a clear JSON error with a 4xx status, never a 500, always with
 * {@code X-Content-Type-Options: nosniff}, and leaves the store exactly as it was: after each case
 * no image, blob, reference or runtime has appeared or vanished, and no spooled upload is left.
 */
class BadInputTest {
  private static final long MAX_BYTES = 200_000;
  private static final long MAX_PIXELS = 1_000_000;
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final String FRESH_ID = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";

  @TempDir static Path dir;
  static TestService service;

  /** A stored image no reference names (so it is an orphan). */
  static String plain;

  /** A stored image a reference names. */
  static String referenced;

  static byte[] referencedBytes;
  static String runtimeId;
  static Snapshot baseline;

  /** Seeds for fresh, valid PNGs: a wrongly accepted upload must change the store. */
  private static int nextSeed = 10_000;

  @BeforeAll
  static void start() throws Exception {
    // Bad input, not access: the reads of metadata are open here, as with --public-metadata, so
    // that their cases meet the checks of the input (MetadataAccessTest covers the default).
    service =
        TestService.start(dir, c -> c.withLimits(MAX_BYTES, MAX_PIXELS).withPublicMetadata(true));
    byte[] a = TestPngs.png(1);
    referencedBytes = TestPngs.png(2);
    plain = ImageId.forContent(a).value();
    referenced = ImageId.forContent(referencedBytes).value();

    Multipart form = new Multipart().image(a).json(Multipart.uiveri5Meta("seed"));
    assertThat(send("POST", "/images", UPLOADER, form.contentType(), form.build()).status())
        .isEqualTo(201);
    assertThat(
            send("PUT", "/images/" + referenced, UPLOADER, "image/png", referencedBytes).status())
        .isEqualTo(201);
    assertThat(sendJson("POST", "/references", INDEXER, references(null, ref(referenced))).status())
        .isEqualTo(200);
    Reply runtime = sendJson("POST", "/runtimes", ADMIN, Json.gson().toJson(runtime()));
    assertThat(runtime.status()).isEqualTo(201);
    runtimeId = JsonParser.parseString(runtime.body()).getAsJsonObject().get("id").getAsString();

    // A successful upload removes its spool file just after the answer has gone out.
    for (int i = 0; i < 100 && !service.spoolLeftovers().isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertThat(service.spoolLeftovers()).isEmpty();
    baseline = service.snapshot();
    assertThat(baseline.images()).containsExactly(plain, referenced);
    assertThat(baseline.blobFiles()).hasSize(2);
    assertThat(baseline.references()).isEqualTo(1);
    assertThat(baseline.runtimes()).isEqualTo(1);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  /** Whatever a case did, it was refused: nothing in the store changed, nothing was spooled. */
  @AfterEach
  void storeIsUnchanged() throws Exception {
    assertThat(service.snapshot()).isEqualTo(baseline);
    assertThat(service.spoolLeftovers()).isEmpty();
    assertThat(download(referenced)).isEqualTo(referencedBytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Uploads

  static Stream<Case> badUploads() {
    List<Case> cases = new ArrayList<>();
    byte[] real = fresh();

    // Not PNGs at all.
    both(cases, "JPEG", jpeg(), 400, "not_png");
    both(cases, "GIF", gif(), 400, "not_png");
    both(cases, "text", "just some text, not an image\n".getBytes(UTF_8), 400, "not_png");
    both(cases, "HTML", "<html><script>alert(1)</script></html>".getBytes(UTF_8), 400, "not_png");
    both(cases, "empty", new byte[0], 400, "empty");
    both(
        cases,
        "PNG signature without the 0x89",
        Arrays.copyOfRange(real, 1, real.length),
        400,
        "not_png");

    // PNG signature, but no valid PNG after it.
    both(cases, "signature only", Arrays.copyOf(real, 8), 400, "bad_png");
    both(
        cases,
        "signature then garbage",
        concat(Arrays.copyOf(real, 8), bytes(100, 'x')),
        400,
        "bad_png");
    both(cases, "signature then IEND", png(chunk("IEND", new byte[0])), 400, "bad_png");
    both(cases, "truncated: no IEND", Arrays.copyOf(fresh(), real.length - 12), 400, "bad_png");
    byte[] half = fresh();
    both(cases, "truncated in the middle", Arrays.copyOf(half, half.length / 2), 400, "bad_png");
    both(cases, "junk after IEND", concat(fresh(), "junk".getBytes(UTF_8)), 400, "bad_png");
    byte[] badCrc = fresh();
    badCrc[29] ^= 0x01; // the first byte of the IHDR CRC
    both(cases, "IHDR with a wrong CRC", badCrc, 400, "bad_png");
    byte[] badData = fresh();
    badData[17] ^= 0x01; // the width, under an unchanged CRC
    both(cases, "IHDR data not matching its CRC", badData, 400, "bad_png");
    both(cases, "first chunk not IHDR", png(chunk("tEXt", bytes(13, 'a')), iend()), 400, "bad_png");
    both(
        cases,
        "IHDR of the wrong length",
        png(chunk("IHDR", bytes(12, 1)), iend()),
        400,
        "bad_png");
    both(cases, "width 0", header(0, 10, 8, 6, 0, 0, 0), 400, "bad_png");
    both(cases, "height 0", header(10, 0, 8, 6, 0, 0, 0), 400, "bad_png");
    both(cases, "negative width", header(-5, 10, 8, 6, 0, 0, 0), 400, "bad_png");
    both(cases, "bit depth 3", header(10, 10, 3, 2, 0, 0, 0), 400, "bad_png");
    both(cases, "RGB with bit depth 4", header(10, 10, 4, 2, 0, 0, 0), 400, "bad_png");
    both(cases, "palette with bit depth 16", header(10, 10, 16, 3, 0, 0, 0), 400, "bad_png");
    both(cases, "colour type 5", header(10, 10, 8, 5, 0, 0, 0), 400, "bad_png");
    both(cases, "compression method 1", header(10, 10, 8, 6, 1, 0, 0), 400, "bad_png");
    both(cases, "filter method 1", header(10, 10, 8, 6, 0, 1, 0), 400, "bad_png");
    both(cases, "interlace method 2", header(10, 10, 8, 6, 0, 0, 2), 400, "bad_png");

    // Limits: the pixel count comes from the header, before anything else is looked at.
    both(
        cases,
        "100000x100000 pixels",
        header(100_000, 100_000, 8, 6, 0, 0, 0),
        413,
        "too_many_pixels");
    both(
        cases,
        "one pixel over the limit",
        header(1001, 1000, 8, 6, 0, 0, 0),
        413,
        "too_many_pixels");
    both(
        cases,
        "2^31-1 squared pixels",
        header(Integer.MAX_VALUE, Integer.MAX_VALUE, 8, 6, 0, 0, 0),
        413,
        "too_many_pixels");
    byte[] bomb = header(100_000, 100_000, 8, 6, 0, 0, 0);
    both(
        cases,
        "many pixels and no IEND",
        concat(Arrays.copyOf(bomb, 33), chunk("IDAT", bytes(100, 0))),
        413,
        "too_many_pixels");
    both(cases, "just over the byte limit", padded(fresh(), (int) MAX_BYTES + 1), 413, "too_large");
    byte[] big = padded(fresh(), (int) MAX_BYTES + 50_000);
    cases.add(
        new Case(
            "PUT chunked over the byte limit",
            413,
            "too_large",
            () ->
                sendPublisher("PUT", "/images/" + FRESH_ID, UPLOADER, "image/png", chunked(big))));
    cases.add(
        new Case(
            "POST chunked over the byte limit",
            413,
            "too_large",
            () -> {
              Multipart form = new Multipart().image(big);
              return sendPublisher(
                  "POST", "/images", UPLOADER, form.contentType(), chunked(form.build()));
            }));
    // Refused on the Content-Length alone, before the body is read. (Only the start of the body
    // is sent: a client still sending when the server closes may see a reset, not the answer.)
    for (long length : List.of(MAX_BYTES * 3, 999_999_999_999L)) {
      cases.add(
          new Case(
              "PUT with a Content-Length of " + length,
              413,
              "too_large",
              () -> raw(putHead("Content-Length: " + length), fresh())));
      cases.add(
          new Case(
              "POST with a Content-Length of " + length,
              413,
              "too_large",
              () -> {
                Multipart form = new Multipart().image(fresh());
                return raw(
                    "POST /images HTTP/1.1\r\n"
                        + "Host: localhost\r\n"
                        + "Authorization: "
                        + TestService.basic(UPLOADER, PASSWORD)
                        + "\r\n"
                        + "Content-Type: "
                        + form.contentType()
                        + "\r\n"
                        + "Content-Length: "
                        + length
                        + "\r\n"
                        + "Connection: close\r\n\r\n",
                    form.build());
              }));
    }

    // Bytes under an id that is not theirs (issue 11: id squatting); imports are for admins.
    cases.add(
        new Case(
            "PUT under an id not derived from the bytes",
            400,
            "not_content_id",
            call("PUT", "/images/" + FRESH_ID, UPLOADER, "image/png", fresh())));
    cases.add(
        new Case(
            "PUT other bytes under a stored image's id",
            400,
            "not_content_id",
            call("PUT", "/images/" + referenced, UPLOADER, "image/png", fresh())));
    cases.add(
        new Case(
            "PUT ?import=true as uploader",
            403,
            "forbidden",
            call("PUT", "/images/" + FRESH_ID + "?import=true", UPLOADER, "image/png", fresh())));
    cases.add(
        new Case(
            "PUT ?import=yes",
            400,
            "bad_import",
            call("PUT", "/images/" + FRESH_ID + "?import=yes", ADMIN, "image/png", fresh())));
    cases.add(
        new Case(
            "PUT ?import=true of other bytes under a stored image's id",
            409,
            "id_taken",
            call("PUT", "/images/" + referenced + "?import=true", ADMIN, "image/png", fresh())));

    // Wrong content types.
    cases.add(
        new Case(
            "PUT text/plain",
            415,
            "unsupported_media_type",
            call("PUT", "/images/" + FRESH_ID, UPLOADER, "text/plain", fresh())));
    cases.add(
        new Case(
            "PUT application/json",
            415,
            "unsupported_media_type",
            call("PUT", "/images/" + FRESH_ID, UPLOADER, "application/json", fresh())));
    cases.add(
        new Case(
            "POST image/png",
            415,
            "unsupported_media_type",
            call("POST", "/images", UPLOADER, "image/png", fresh())));
    cases.add(
        new Case(
            "POST urlencoded form",
            415,
            "unsupported_media_type",
            call(
                "POST",
                "/images",
                UPLOADER,
                "application/x-www-form-urlencoded",
                "image=abc".getBytes(UTF_8))));
    cases.add(
        new Case(
            "POST without a Content-Type",
            415,
            "unsupported_media_type",
            call("POST", "/images", UPLOADER, null, fresh())));

    // Multipart forms without a usable image part.
    cases.add(
        new Case(
            "multipart with only a json part",
            400,
            "missing_image",
            () -> postForm(new Multipart().json(Multipart.uiveri5Meta("x")))));
    cases.add(
        new Case(
            "multipart with the file under another name",
            400,
            "missing_image",
            () -> postForm(new Multipart().file("file", "shot.png", "image/png", fresh()))));
    cases.add(new Case("multipart without parts", 400, null, () -> postForm(new Multipart())));
    cases.add(
        new Case(
            "multipart with another boundary than announced",
            400,
            null,
            () -> {
              Multipart form = new Multipart().image(fresh());
              return send(
                  "POST",
                  "/images",
                  UPLOADER,
                  "multipart/form-data; boundary=not-the-one-used",
                  form.build());
            }));
    cases.add(
        new Case(
            "multipart without a boundary parameter",
            400,
            null,
            call(
                "POST",
                "/images",
                UPLOADER,
                "multipart/form-data",
                new Multipart().image(fresh()).build())));
    cases.add(
        new Case(
            "multipart truncated before its end",
            400,
            "bad_multipart",
            () -> {
              Multipart form = new Multipart().image(fresh());
              byte[] body = form.build();
              return send(
                  "POST",
                  "/images",
                  UPLOADER,
                  form.contentType(),
                  Arrays.copyOf(body, body.length - 40));
            }));
    cases.add(
        new Case(
            "multipart cut off inside the image",
            400,
            "bad_multipart",
            () -> {
              Multipart form = new Multipart().image(fresh());
              return send(
                  "POST",
                  "/images",
                  UPLOADER,
                  form.contentType(),
                  Arrays.copyOf(form.build(), 200));
            }));
    cases.add(
        new Case(
            "multipart body that is not multipart",
            400,
            null,
            call(
                "POST",
                "/images",
                UPLOADER,
                "multipart/form-data; boundary=xyz",
                "this is not a multipart body".getBytes(UTF_8))));
    cases.add(
        new Case(
            "multipart with an empty body",
            400,
            null,
            call("POST", "/images", UPLOADER, "multipart/form-data; boundary=xyz", new byte[0])));
    cases.add(
        new Case(
            "PUT multipart without an image part",
            400,
            "missing_image",
            () -> {
              Multipart form = new Multipart().json(Multipart.uiveri5Meta("x"));
              return send("PUT", "/images/" + FRESH_ID, UPLOADER, form.contentType(), form.build());
            }));

    // Metadata that is not what UIVeri5 sends, or does not fit the columns.
    for (String meta :
        List.of(
            "{not json",
            "[1,2]",
            "{\"_meta\":\"x\"}",
            "{\"_meta\":{\"spec\":[]}}",
            "{\"_meta\":{\"runtime\":{\"ui5\":\"dark\"}}}",
            "null",
            "42",
            "\"a string\"",
            "{} trailing",
            "{\"_meta\":{\"spec\":{\"name\":\"" + "n".repeat(1000) + "\"}}}",
            "{\"_meta\":{\"spec\":{\"lib\":\"" + "l".repeat(256) + "\"}}}",
            "{\"_meta\":{\"spec\":{\"branch\":\"" + "b".repeat(256) + "\"}}}",
            "{\"_meta\":{\"runtime\":{\"platformName\":\"" + "p".repeat(65) + "\"}}}",
            "{\"_meta\":{\"runtime\":{\"ui5\":{\"theme\":\"" + "t".repeat(65) + "\"}}}}",
            "{\"_meta\":{\"spec\":{\"name\":\"" + "x".repeat(70_000) + "\"}}}")) {
      String shortName =
          meta.length() > 60 ? meta.substring(0, 50) + "…(" + meta.length() + ")" : meta;
      cases.add(
          new Case(
              "POST json part " + shortName,
              400,
              "bad_metadata",
              () -> postForm(new Multipart().image(fresh()).json(meta))));
      if (meta.length() < 8000) {
        cases.add(
            new Case(
                "PUT meta header " + shortName,
                400,
                "bad_metadata",
                () -> {
                  byte[] body = fresh();
                  return Reply.of(
                      service.sendForString(
                          service
                              .request("/images/" + ImageId.forContent(body), UPLOADER)
                              .header("Content-Type", "image/png")
                              .header("X-Imagestore-Meta", meta)
                              .PUT(BodyPublishers.ofByteArray(body))
                              .build()));
                }));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badUploads")
  void badUploadsAreRefused(Case c) throws Exception {
    c.check();
  }

  @Test
  void tooManyPixelsIsRefusedFromTheHeaderAlone() throws Exception {
    // 10 gigapixels in 57 bytes: nothing but the header can have been looked at.
    byte[] bomb = header(100_000, 100_000, 8, 6, 0, 0, 0);
    assertThat(bomb.length).isLessThan(100);
    Reply r = send("PUT", "/images/" + FRESH_ID, UPLOADER, "image/png", bomb);
    assertJsonError(r, 413, "too_many_pixels");
    assertThat(r.body()).contains("100000x100000");
  }

  // ---------------------------------------------------------------------------------------------
  // Image ids and paging

  static Stream<Case> badIds() {
    List<Case> cases = new ArrayList<>();
    for (String id : badIdList()) {
      cases.add(new Case("GET /images/" + id, 400, "bad_uuid", get("/images/" + id)));
      cases.add(
          new Case("GET /images/" + id + "/info", 400, "bad_uuid", get("/images/" + id + "/info")));
      cases.add(
          new Case(
              "PUT /images/" + id,
              400,
              "bad_uuid",
              call("PUT", "/images/" + id, UPLOADER, "image/png", fresh())));
      cases.add(
          new Case(
              "DELETE /images/" + id,
              400,
              "bad_uuid",
              call("DELETE", "/images/" + id, ADMIN, null, null)));
      cases.add(new Case("GET /orphans/" + id, 400, "bad_uuid", get("/orphans/" + id)));
      cases.add(
          new Case(
              "GET /diff/" + id + "/{uuid}", 400, "bad_uuid", get("/diff/" + id + "/" + plain)));
      cases.add(
          new Case(
              "GET /diff/{uuid}/" + id + "/info",
              400,
              "bad_uuid",
              get("/diff/" + plain + "/" + id + "/info")));
      cases.add(
          new Case(
              "PUT /orphans/" + id,
              400,
              "bad_uuid",
              call("PUT", "/orphans/" + id, ADMIN, null, null)));
      cases.add(
          new Case(
              "DELETE /orphans/" + id,
              400,
              "bad_uuid",
              call("DELETE", "/orphans/" + id, ADMIN, null, null)));
    }
    for (String list : List.of("/images", "/orphans")) {
      for (String after : List.of("bad", "A".repeat(32), "0".repeat(31), "%27%20OR%201%3D1")) {
        cases.add(
            new Case(
                "GET " + list + "?after=" + after, 400, "bad_uuid", get(list + "?after=" + after)));
      }
      for (String limit : List.of("0", "-1", "10001", "99999", "abc", "", "1e3", "99999999999")) {
        cases.add(
            new Case(
                "GET " + list + "?limit=" + limit,
                400,
                "bad_limit",
                get(list + "?limit=" + limit)));
      }
    }
    return cases.stream();
  }

  static List<String> badIdList() {
    return List.of(
        "NOT-HEX",
        "ABCDEF0123456789ABCDEF0123456789",
        "abcdef0123456789abcdef012345678",
        "abcdef0123456789abcdef01234567890",
        "abcdef01-2345-6789-abcd-ef0123456789",
        "ghijkl0123456789abcdef0123456789",
        "%20abcdef0123456789abcdef012345678");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badIds")
  void badIdsAndPagingAreRefused(Case c) throws Exception {
    c.check();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "NOT-HEX",
        "ABCDEF0123456789ABCDEF0123456789",
        "abcdef0123456789abcdef012345678",
        "abcdef0123456789abcdef01234567890",
        "abcdef01-2345-6789-abcd-ef0123456789"
      })
  void headOfABadIdIs400WithoutABody(String id) throws Exception {
    Reply r = send("HEAD", "/images/" + id, null, null, null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication and roles

  static Stream<Case> badCredentials() {
    List<Case> cases = new ArrayList<>();
    Map<String, String> authorizations = new LinkedHashMap<>();
    authorizations.put("no credentials", null);
    authorizations.put("a wrong password", TestService.basic(UPLOADER, "wrong password"));
    authorizations.put("an empty password", TestService.basic(UPLOADER, ""));
    authorizations.put("an unknown user", TestService.basic("nobody", PASSWORD));
    authorizations.put("an empty user", TestService.basic("", PASSWORD));
    authorizations.put("a user name that is no name", TestService.basic("a b/c", PASSWORD));
    authorizations.put("an over-long password", TestService.basic(UPLOADER, "p".repeat(200)));
    authorizations.put(
        "an over-long password of an unknown user", TestService.basic("nobody", "p".repeat(200)));
    authorizations.put("Basic without base64", "Basic !!!not base64!!!");
    authorizations.put(
        "Basic without a colon",
        "Basic " + Base64.getEncoder().encodeToString("uploadercorrect".getBytes(UTF_8)));
    authorizations.put("Basic with nothing", "Basic ");
    authorizations.put("Bearer", "Bearer x");
    authorizations.put("Digest", "Digest username=\"uploader\"");
    authorizations.put(
        "credentials without a scheme",
        Base64.getEncoder().encodeToString((UPLOADER + ":" + PASSWORD).getBytes(UTF_8)));
    for (Map.Entry<String, String> a : authorizations.entrySet()) {
      String authorization = a.getValue();
      cases.add(
          new Case(
              "POST /images with " + a.getKey(),
              401,
              "unauthorized",
              () -> {
                Multipart form = new Multipart().image(fresh());
                return send("POST", "/images", authorization, form.contentType(), form.build());
              }));
    }
    cases.add(
        new Case(
            "PUT /images anonymously",
            401,
            "unauthorized",
            call("PUT", "/images/" + FRESH_ID, null, "image/png", fresh())));
    cases.add(
        new Case(
            "DELETE /images anonymously",
            401,
            "unauthorized",
            call("DELETE", "/images/" + plain, null, null, null)));
    cases.add(
        new Case(
            "POST /references anonymously",
            401,
            "unauthorized",
            json("POST", "/references", null, references(null, ref(FRESH_ID)))));
    cases.add(
        new Case(
            "POST /runtimes with a wrong password",
            401,
            "unauthorized",
            call(
                "POST",
                "/runtimes",
                TestService.basic(ADMIN, "nope nope"),
                "application/json",
                Json.gson().toJson(otherRuntime()).getBytes(UTF_8))));
    cases.add(
        new Case(
            "DELETE /orphans anonymously",
            401,
            "unauthorized",
            call("DELETE", "/orphans/" + plain, null, null, null)));

    // Valid accounts without the role.
    cases.add(
        new Case(
            "uploader deletes an image",
            403,
            "forbidden",
            call("DELETE", "/images/" + plain, UPLOADER, null, null)));
    cases.add(
        new Case(
            "indexer deletes an image",
            403,
            "forbidden",
            call("DELETE", "/images/" + plain + "?force=true", INDEXER, null, null)));
    cases.add(
        new Case(
            "indexer uploads with POST",
            403,
            "forbidden",
            () -> postForm(INDEXER, new Multipart().image(fresh()))));
    cases.add(
        new Case(
            "indexer uploads with PUT",
            403,
            "forbidden",
            call("PUT", "/images/" + FRESH_ID, INDEXER, "image/png", fresh())));
    cases.add(
        new Case(
            "uploader creates a runtime",
            403,
            "forbidden",
            json("POST", "/runtimes", UPLOADER, Json.gson().toJson(otherRuntime()))));
    cases.add(
        new Case(
            "uploader puts a runtime",
            403,
            "forbidden",
            () -> {
              RuntimeInfo r = otherRuntime();
              return sendJson("PUT", "/runtimes/" + idOf(r), UPLOADER, Json.gson().toJson(r));
            }));
    cases.add(
        new Case(
            "indexer deletes a runtime",
            403,
            "forbidden",
            call("DELETE", "/runtimes/" + runtimeId, INDEXER, null, null)));
    cases.add(
        new Case(
            "uploader sweeps orphans",
            403,
            "forbidden",
            call("POST", "/orphans", UPLOADER, null, null)));
    cases.add(
        new Case(
            "uploader marks an orphan",
            403,
            "forbidden",
            call("PUT", "/orphans/" + plain, UPLOADER, null, null)));
    cases.add(
        new Case(
            "indexer deletes an orphan",
            403,
            "forbidden",
            call("DELETE", "/orphans/" + plain, INDEXER, null, null)));
    cases.add(
        new Case(
            "uploader adds references",
            403,
            "forbidden",
            json("POST", "/references", UPLOADER, references(null, ref(FRESH_ID)))));
    cases.add(
        new Case(
            "uploader replaces references",
            403,
            "forbidden",
            json("PUT", "/references", UPLOADER, references("p", ref(FRESH_ID)))));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCredentials")
  void badCredentialsAndMissingRolesAreRefused(Case c) throws Exception {
    c.check();
  }

  @Test
  void refusedUploadsStoreNothing() throws Exception {
    byte[] png = fresh();
    String id = ImageId.forContent(png).value();
    Multipart form = new Multipart().image(png).json(Multipart.uiveri5Meta("refused"));
    assertJsonError(
        send("POST", "/images", null, form.contentType(), form.build()), 401, "unauthorized");
    assertJsonError(
        send(
            "POST",
            "/images",
            TestService.basic(UPLOADER, "wrong"),
            form.contentType(),
            form.build()),
        401,
        "unauthorized");
    assertJsonError(
        send("POST", "/images", INDEXER, form.contentType(), form.build()), 403, "forbidden");
    assertJsonError(send("PUT", "/images/" + id, null, "image/png", png), 401, "unauthorized");
    assertJsonError(send("PUT", "/images/" + id, INDEXER, "image/png", png), 403, "forbidden");
    assertJsonError(send("GET", "/images/" + id, null, null, null), 404, "not_found");
    assertJsonError(send("GET", "/images/" + id + "/info", null, null, null), 404, "not_found");
  }

  /**
   * A refused request whose body the server never read must not leave a connection that looks
   * reusable but is closed underneath: a client's next request on it (a POST, which clients do not
   * retry) would fail with no answer at all.
   */
  @Test
  void aRefusedRequestsBodyIsSkippedSoTheConnectionServesTheNext() throws Exception {
    byte[] png = fresh();
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /images/"
                  + ImageId.forContent(png).value()
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                  + "Content-Length: "
                  + png.length
                  + "\r\n\r\n")
              .getBytes(UTF_8));
      out.flush();
      // The body comes late, after the server could have answered without it.
      Thread.sleep(300);
      out.write(png);
      out.flush();
      Reply refused = readResponse(socket.getInputStream());
      assertJsonError(refused, 401, "unauthorized");
      assertThat(refused.header("Connection")).isEmpty();

      out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(UTF_8));
      out.flush();
      assertThat(readResponse(socket.getInputStream()).status()).isEqualTo(200);
    }
  }

  /** A body too large to skip closes the connection, and the answer says so, even anonymous. */
  @Test
  void aRefusedRequestsBodyTooLargeToSkipClosesTheConnectionAndSaysSo() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /images/"
                  + FRESH_ID
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                  + "Content-Length: "
                  + (64L << 20)
                  + "\r\n\r\n")
              .getBytes(UTF_8));
      out.write(new byte[4096]);
      out.flush();
      Reply refused = readResponse(socket.getInputStream());
      // Refused by its length before any login check (so a client waiting with Expect:
      // 100-continue hears it at once), and the connection goes.
      assertJsonError(refused, 413, "too_large");
      assertThat(refused.header("Connection")).hasValue("close");
    }
  }

  /**
   * The client library sending an upload far over the limit all at once (a 40 MiB file) reads the
   * service's 413, not a connection reset: it asks with {@code Expect: 100-continue}, and the
   * service refuses on the announced length before the body comes.
   */
  @Test
  void theClientLibraryReadsTheRefusalOfAnOversizedUpload(@TempDir Path tmp) throws Exception {
    Path big = tmp.resolve("big.png");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.write(TestPngs.png(3));
      f.setLength(40L << 20);
    }
    try (ImagestoreClient client = service.client(UPLOADER)) {
      ImagestoreException e =
          assertThrows(ImagestoreException.class, () -> client.upload(big, null));
      assertWithMessage(e.getMessage()).that(e.status()).isEqualTo(413);
      assertThat(e.error()).isEqualTo("too_large");
    }
  }

  /**
   * A multipart form the parser gives up on (found by MultipartUploadFuzzTest): Jetty closes the
   * connection after the answer, so the answer says so, or a client's next POST on it would fail
   * with no answer at all. Either the connection says close or it serves the next request.
   */
  @Test
  void aMalformedMultipartFormClosesTheConnectionAndSaysSo() throws Exception {
    for (String body :
        List.of(
            "garbage",
            "--x\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nno end\r\n",
            "--x\r\nnot a header line\r\n\r\nabc\r\n--x--\r\n")) {
      try (Socket socket = new Socket("127.0.0.1", service.port())) {
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        byte[] bytes = body.getBytes(UTF_8);
        out.write(
            ("POST /images HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + TestService.basic(UPLOADER, PASSWORD)
                    + "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: "
                    + bytes.length
                    + "\r\n\r\n")
                .getBytes(UTF_8));
        out.write(bytes);
        out.flush();
        Reply refused = readResponse(socket.getInputStream());
        assertJsonError(refused, 400, "bad_multipart");
        if (refused.header("Connection").isEmpty()) {
          out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(UTF_8));
          out.flush();
          assertWithMessage(body)
              .that(readResponse(socket.getInputStream()).status())
              .isEqualTo(200);
        } else {
          assertWithMessage(body).that(refused.header("Connection")).hasValue("close");
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The JSON APIs

  static Stream<Case> badJson() {
    List<Case> cases = new ArrayList<>();
    // References: the body itself.
    for (String method : List.of("POST", "PUT")) {
      for (String body :
          List.of(
              "{\"references\":[",
              "",
              "   ",
              "null",
              "[]",
              "\"x\"",
              "42",
              "{\"references\":\"x\"}",
              "{\"references\":[1]}",
              "{\"references\":{}}",
              "{\"references\":[{\"project\":[]}]}",
              "{\"project\":{}}",
              "{} {}")) {
        cases.add(
            new Case(
                method + " /references " + (body.isBlank() ? "(blank)" : body),
                400,
                "bad_json",
                json(method, "/references", INDEXER, body)));
      }
    }
    // References: well-formed JSON of the wrong content.
    ReferenceInfo ok = ref(FRESH_ID);
    Map<String, ReferenceInfo> badRefs = new LinkedHashMap<>();
    badRefs.put("no project", with(ok, r -> r.project = null));
    badRefs.put("empty project", with(ok, r -> r.project = ""));
    badRefs.put("no branch", with(ok, r -> r.branch = null));
    badRefs.put("no path", with(ok, r -> r.path = null));
    badRefs.put("no commit", with(ok, r -> r.commit = null));
    badRefs.put("no uuid", with(ok, r -> r.uuid = null));
    badRefs.put("a short commit", with(ok, r -> r.commit = "0123456"));
    badRefs.put("an uppercase commit", with(ok, r -> r.commit = COMMIT.toUpperCase(Locale.ROOT)));
    badRefs.put("a 41-digit commit", with(ok, r -> r.commit = COMMIT + "0"));
    badRefs.put("a commit that is no hex", with(ok, r -> r.commit = "g".repeat(40)));
    badRefs.put("a bad uuid", with(ok, r -> r.uuid = "NOT-HEX"));
    badRefs.put("an uppercase uuid", with(ok, r -> r.uuid = FRESH_ID.toUpperCase(Locale.ROOT)));
    badRefs.put("a dashed uuid", with(ok, r -> r.uuid = "f0f0f0f0-f0f0-f0f0-f0f0-f0f0f0f0f0f0"));
    badRefs.put("a path of 1025 characters", with(ok, r -> r.path = "p".repeat(1025)));
    badRefs.put("a project of 256 characters", with(ok, r -> r.project = "p".repeat(256)));
    badRefs.put("a branch of 256 characters", with(ok, r -> r.branch = "b".repeat(256)));
    for (Map.Entry<String, ReferenceInfo> e : badRefs.entrySet()) {
      // A valid reference first: a batch is all or nothing.
      String post = references(null, ref(FRESH_ID, "ok.png.lnk"), e.getValue());
      String put = references("p", ref(FRESH_ID, "ok.png.lnk"), e.getValue());
      cases.add(
          new Case(
              "POST /references with " + e.getKey(),
              400,
              "bad_references",
              json("POST", "/references", INDEXER, post)));
      cases.add(
          new Case(
              "PUT /references with " + e.getKey(),
              400,
              "bad_references",
              json("PUT", "/references", INDEXER, put)));
    }
    cases.add(
        new Case(
            "POST /references without references",
            400,
            "bad_references",
            json("POST", "/references", INDEXER, "{}")));
    cases.add(
        new Case(
            "POST /references with a null reference",
            400,
            "bad_references",
            json("POST", "/references", INDEXER, "{\"references\":[null]}")));
    cases.add(
        new Case(
            "PUT /references without a project",
            400,
            "bad_references",
            json("PUT", "/references", INDEXER, references(null, ref(FRESH_ID)))));
    cases.add(
        new Case(
            "PUT /references with a project of 256 characters",
            400,
            "bad_references",
            json("PUT", "/references", INDEXER, references("p".repeat(256)))));
    cases.add(
        new Case(
            "PUT /references of another project",
            400,
            "bad_references",
            json("PUT", "/references", INDEXER, references("q", ref(FRESH_ID, "ok.png.lnk")))));
    cases.add(
        new Case(
            "PUT /references of another branch",
            400,
            "bad_references",
            () -> {
              ReferencesInput in = new ReferencesInput();
              in.project = "p";
              in.branch = "stable";
              in.references = List.of(ref(FRESH_ID));
              return sendJson("PUT", "/references", INDEXER, Json.gson().toJson(in));
            }));
    cases.add(
        new Case(
            "POST /references with too many references",
            413,
            "too_large",
            () -> {
              StringBuilder b = new StringBuilder("{\"references\":[");
              for (int i = 0; i <= 100_000; i++) {
                b.append(i == 0 ? "null" : ",null");
              }
              return sendJson("POST", "/references", INDEXER, b.append("]}").toString());
            }));
    cases.add(
        new Case("GET /references without a project", 400, "missing_project", get("/references")));
    cases.add(
        new Case(
            "GET /references/digest without a project",
            400,
            "missing_project",
            get("/references/digest")));
    cases.add(
        new Case(
            "GET /references/digest with a project of 256 characters",
            400,
            "bad_references",
            get("/references/digest?project=" + "p".repeat(256))));
    cases.add(
        new Case("GET /references/other", 404, "not_found", get("/references/other?project=p")));
    cases.add(
        new Case(
            "GET /references with a project of 256 characters",
            400,
            "bad_references",
            call("GET", "/references?project=" + "p".repeat(256), null, null, null)));

    // Runtimes.
    RuntimeInfo good = otherRuntime();
    Map<String, RuntimeInfo> badRuntimes = new LinkedHashMap<>();
    badRuntimes.put("only a platform", runtimeOf("linux", null, null, null, null, null));
    badRuntimes.put("no mode", with(good, r -> r.mode = null));
    badRuntimes.put("an empty theme", with(good, r -> r.theme = ""));
    badRuntimes.put("a '/' in the browser", with(good, r -> r.browser = "chrome/120"));
    badRuntimes.put("a '..' platform", with(good, r -> r.platform = ".."));
    badRuntimes.put("a space in the resolution", with(good, r -> r.resolution = "1600 x 1200"));
    badRuntimes.put("a dimension of 65 characters", with(good, r -> r.platform = "l".repeat(65)));
    badRuntimes.put(
        "a description of 1025 characters", with(good, r -> r.description = "d".repeat(1025)));
    for (Map.Entry<String, RuntimeInfo> e : badRuntimes.entrySet()) {
      String body = Json.gson().toJson(e.getValue());
      cases.add(
          new Case(
              "POST /runtimes with " + e.getKey(),
              400,
              "bad_runtime",
              json("POST", "/runtimes", ADMIN, body)));
    }
    cases.add(
        new Case(
            "POST /runtimes with an id not of its dimensions",
            400,
            "runtime_id_mismatch",
            json(
                "POST",
                "/runtimes",
                ADMIN,
                Json.gson().toJson(with(otherRuntime(), r -> r.id = "0123456789abcdef")))));
    cases.add(
        new Case(
            "PUT /runtimes/{id} with the dimensions of another id",
            400,
            "runtime_id_mismatch",
            json("PUT", "/runtimes/0123456789abcdef", ADMIN, Json.gson().toJson(otherRuntime()))));
    cases.add(
        new Case(
            "PUT /runtimes/{id} with another id in the body",
            400,
            "runtime_id_mismatch",
            () -> {
              RuntimeInfo r = otherRuntime();
              String id = idOf(r);
              r.id = "0123456789abcdef";
              return sendJson("PUT", "/runtimes/" + id, ADMIN, Json.gson().toJson(r));
            }));
    for (String id :
        List.of("NOT-HEX", "0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0")) {
      String encoded = id.replace("/", "%2F");
      cases.add(
          new Case(
              "PUT /runtimes/" + id,
              400,
              "bad_runtime_id",
              json("PUT", "/runtimes/" + encoded, ADMIN, Json.gson().toJson(otherRuntime()))));
      cases.add(
          new Case("GET /runtimes/" + id, 400, "bad_runtime_id", get("/runtimes/" + encoded)));
      cases.add(
          new Case(
              "DELETE /runtimes/" + id,
              400,
              "bad_runtime_id",
              call("DELETE", "/runtimes/" + encoded, ADMIN, null, null)));
    }
    for (String body : List.of("{\"platform\":", "", "null", "[]", "{\"platform\":[]}")) {
      cases.add(
          new Case(
              "POST /runtimes " + (body.isEmpty() ? "(empty)" : body),
              400,
              "bad_json",
              json("POST", "/runtimes", ADMIN, body)));
    }

    // Orphans.
    cases.add(
        new Case(
            "PUT /orphans of a referenced image",
            409,
            "referenced",
            call("PUT", "/orphans/" + referenced, ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /orphans of a referenced image",
            409,
            "referenced",
            call("DELETE", "/orphans/" + referenced, ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /images of a referenced image",
            409,
            "referenced",
            call("DELETE", "/images/" + referenced, ADMIN, null, null)));
    cases.add(
        new Case(
            "PUT /orphans of an unknown image",
            404,
            "not_found",
            call("PUT", "/orphans/" + FRESH_ID, ADMIN, null, null)));
    cases.add(
        new Case(
            "PUT /orphans with orphanedAt in the future",
            400,
            "bad_time",
            json("PUT", "/orphans/" + plain, ADMIN, "{\"orphanedAt\":\"2999-01-01T00:00:00Z\"}")));
    for (String body :
        List.of(
            "{\"orphanedAt\":\"banana\"}",
            "{\"orphanedAt\":5}",
            "[]",
            "{\"orphanedAt\":",
            "null")) {
      cases.add(
          new Case(
              "PUT /orphans " + body,
              400,
              "bad_json",
              json("PUT", "/orphans/" + plain, ADMIN, body)));
    }
    for (String age :
        List.of(
            "banana",
            "7x",
            "-1d",
            "d",
            "P",
            "P-1D",
            "1000000000000d",
            "99999999999999999",
            "P1000000000000D",
            "9223372036854775807s",
            "99999999999999999999")) {
      cases.add(
          new Case("GET /orphans?minAge=" + age, 400, "bad_age", get("/orphans?minAge=" + age)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badJson")
  void badJsonRequestsAreRefused(Case c) throws Exception {
    c.check();
  }

  // ---------------------------------------------------------------------------------------------
  // The trash, orphan cleanup, audit log, settings and the management page

  static Stream<Case> badTrashAndAudit() {
    List<Case> cases = new ArrayList<>();
    String unknownRuntime = "0123456789abcdef";
    for (String id : badIdList()) {
      cases.add(
          new Case(
              "GET /trash/" + id, 400, "bad_uuid", call("GET", "/trash/" + id, ADMIN, null, null)));
      cases.add(
          new Case(
              "GET /trash/" + id + "/image",
              400,
              "bad_uuid",
              call("GET", "/trash/" + id + "/image", ADMIN, null, null)));
      cases.add(
          new Case(
              "POST /trash/" + id + "/restore",
              400,
              "bad_uuid",
              call("POST", "/trash/" + id + "/restore", ADMIN, null, null)));
      cases.add(
          new Case(
              "DELETE /trash/" + id,
              400,
              "bad_uuid",
              call("DELETE", "/trash/" + id, ADMIN, null, null)));
      cases.add(
          new Case(
              "GET /audit?uuid=" + id,
              400,
              "bad_uuid",
              call("GET", "/audit?uuid=" + id, ADMIN, null, null)));
    }
    for (String q : List.of("after=bad", "limit=0", "limit=10001", "limit=x")) {
      cases.add(
          new Case(
              "GET /trash?" + q,
              400,
              q.startsWith("after") ? "bad_uuid" : "bad_limit",
              call("GET", "/trash?" + q, ADMIN, null, null)));
    }
    for (String q : List.of("limit=0", "limit=1001", "limit=abc", "limit=")) {
      cases.add(
          new Case(
              "GET /audit?" + q, 400, "bad_limit", call("GET", "/audit?" + q, ADMIN, null, null)));
    }
    for (String q : List.of("before=0", "before=-5", "before=x", "before=99999999999999999999")) {
      cases.add(
          new Case(
              "GET /audit?" + q, 400, "bad_before", call("GET", "/audit?" + q, ADMIN, null, null)));
    }

    // Orphan filters.
    cases.add(
        new Case("GET /orphans?runtime=xyz", 400, "bad_runtime_id", get("/orphans?runtime=xyz")));
    cases.add(
        new Case(
            "GET /orphans?runtime=<unknown>",
            400,
            "unknown_runtime",
            get("/orphans?runtime=" + unknownRuntime)));
    cases.add(
        new Case(
            "GET /orphans?spec=<256 chars>",
            400,
            "bad_spec",
            get("/orphans?spec=" + "s".repeat(256))));

    // Bodies of POST /orphans/trash and POST /trash/purge.
    Map<String, String> cleanup = new LinkedHashMap<>();
    cleanup.put("", "bad_json");
    cleanup.put("[]", "bad_json");
    cleanup.put("{\"uuids\":\"x\"}", "bad_json");
    cleanup.put("{\"uuids\":[]}", "bad_cleanup");
    cleanup.put("{\"uuids\":[\"bad\"]}", "bad_uuid");
    cleanup.put("{\"uuids\":[null]}", "bad_uuid");
    cleanup.put("{\"uuids\":[\"" + plain + "\"],\"minAge\":\"1d\"}", "bad_cleanup");
    cleanup.put("{\"minAge\":\"soon\"}", "bad_age");
    cleanup.put("{\"runtime\":\"xyz\"}", "bad_runtime_id");
    cleanup.put("{\"runtime\":\"" + unknownRuntime + "\"}", "unknown_runtime");
    cleanup.put("{\"spec\":\"" + "s".repeat(256) + "\"}", "bad_spec");
    cleanup.put("{\"all\":true}", "bad_cleanup");
    cleanup.put("{\"dryRun\":[1]}", "bad_json");
    for (Map.Entry<String, String> c : cleanup.entrySet()) {
      cases.add(
          new Case(
              "POST /orphans/trash " + c.getKey(),
              400,
              c.getValue(),
              json("POST", "/orphans/trash", ADMIN, c.getKey())));
    }
    Map<String, String> purge = new LinkedHashMap<>();
    purge.put("[]", "bad_json");
    purge.put("{\"minAge\":\"1d\"}", "bad_cleanup");
    purge.put("{\"spec\":\"x\"}", "bad_cleanup");
    purge.put("{\"uuids\":[\"" + plain + "\"],\"all\":true}", "bad_cleanup");
    purge.put("{\"uuids\":[\"bad\"]}", "bad_uuid");
    for (Map.Entry<String, String> c : purge.entrySet()) {
      cases.add(
          new Case(
              "POST /trash/purge " + c.getKey(),
              400,
              c.getValue(),
              json("POST", "/trash/purge", ADMIN, c.getKey())));
    }

    // What is not there, or may not be done.
    cases.add(
        new Case(
            "GET /trash/{unknown}",
            404,
            "not_found",
            call("GET", "/trash/" + FRESH_ID, ADMIN, null, null)));
    cases.add(
        new Case(
            "GET /trash/{live image}/image",
            404,
            "not_found",
            call("GET", "/trash/" + plain + "/image", ADMIN, null, null)));
    cases.add(
        new Case(
            "POST /trash/{unknown}/restore",
            404,
            "not_found",
            call("POST", "/trash/" + FRESH_ID + "/restore", ADMIN, null, null)));
    cases.add(
        new Case(
            "POST /trash/{live image}/restore",
            409,
            "exists",
            call("POST", "/trash/" + plain + "/restore", ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /trash/{live image}",
            404,
            "not_found",
            call("DELETE", "/trash/" + plain, ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /orphans/{orphan in its grace period}",
            409,
            "in_grace_period",
            call("DELETE", "/orphans/" + plain, ADMIN, null, null)));
    for (String path :
        List.of(
            "/trash/x/y/z",
            "/trash/" + plain + "/nope",
            "/audit/x",
            "/settings/x",
            "/admin/nope",
            "/admin/x/admin.js")) {
      cases.add(new Case("GET " + path, 404, "not_found", call("GET", path, ADMIN, null, null)));
    }
    cases.add(new Case("POST /trash", 404, "not_found", call("POST", "/trash", ADMIN, null, null)));
    cases.add(
        new Case(
            "POST /orphans/nope",
            404,
            "not_found",
            call("POST", "/orphans/nope", ADMIN, null, null)));
    for (String[] m :
        List.of(
            new String[] {"PUT", "/trash/" + plain},
            new String[] {"DELETE", "/trash"},
            new String[] {"POST", "/audit"},
            new String[] {"DELETE", "/audit"},
            new String[] {"PUT", "/settings"},
            new String[] {"POST", "/admin/"},
            new String[] {"DELETE", "/admin/"})) {
      cases.add(
          new Case(
              m[0] + " " + m[1], 405, "method_not_allowed", call(m[0], m[1], ADMIN, null, null)));
    }

    // Admins only, the reads too.
    List<String[]> adminOnly =
        List.of(
            new String[] {"GET", "/trash"},
            new String[] {"GET", "/trash/" + plain},
            new String[] {"GET", "/trash/" + plain + "/image"},
            new String[] {"POST", "/trash/" + plain + "/restore"},
            new String[] {"DELETE", "/trash/" + plain},
            new String[] {"POST", "/trash/purge"},
            new String[] {"POST", "/orphans/trash"},
            new String[] {"GET", "/audit"},
            new String[] {"GET", "/settings"});
    for (String[] m : adminOnly) {
      String body = m[0].equals("POST") ? "{\"dryRun\":true}" : null;
      cases.add(
          new Case(
              m[0] + " " + m[1] + " anonymously",
              401,
              "unauthorized",
              body == null ? call(m[0], m[1], null, null, null) : json(m[0], m[1], null, body)));
      for (String user : List.of(UPLOADER, INDEXER)) {
        cases.add(
            new Case(
                m[0] + " " + m[1] + " as " + user,
                403,
                "forbidden",
                body == null ? call(m[0], m[1], user, null, null) : json(m[0], m[1], user, body)));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTrashAndAudit")
  void badTrashCleanupAndAuditRequestsAreRefused(Case c) throws Exception {
    c.check();
  }

  @Test
  void aReferencedImageSurvivesAttemptsToDeleteIt() throws Exception {
    assertJsonError(send("DELETE", "/orphans/" + referenced, ADMIN, null, null), 409, "referenced");
    assertJsonError(send("DELETE", "/images/" + referenced, ADMIN, null, null), 409, "referenced");
    assertThat(download(referenced)).isEqualTo(referencedBytes);
    JsonObject info =
        JsonParser.parseString(
                send("GET", "/images/" + referenced + "/info", null, null, null).body())
            .getAsJsonObject();
    assertThat(info.get("referenced").getAsBoolean()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Diffs: parameters are checked before anything is compared, so no diff is stored

  static Stream<Case> badDiffs() {
    List<Case> cases = new ArrayList<>();
    String pair = "/diff/" + plain + "/" + referenced;
    for (String threshold : List.of("-0.1", "1.5", "abc", "", "NaN", "Infinity", "1e400", "0x1")) {
      for (String suffix : List.of("", "/info")) {
        cases.add(
            new Case(
                "GET " + pair + suffix + "?threshold=" + threshold,
                400,
                "bad_parameter",
                get(pair + suffix + "?threshold=" + threshold)));
      }
    }
    for (String include : List.of("yes", "1", "TRUE", "")) {
      cases.add(
          new Case(
              "GET " + pair + "?includeAntialiasing=" + include,
              400,
              "bad_parameter",
              get(pair + "?includeAntialiasing=" + include)));
    }
    for (String percentage : List.of("-1", "100.5", "x", "")) {
      cases.add(
          new Case(
              "GET " + pair + "/info?maxMismatchPercentage=" + percentage,
              400,
              "bad_parameter",
              get(pair + "/info?maxMismatchPercentage=" + percentage)));
    }
    for (String pixels : List.of("-1", "1.5", "x", "99999999999999999999", "")) {
      cases.add(
          new Case(
              "GET " + pair + "/info?maxMismatchedPixels=" + pixels,
              400,
              "bad_parameter",
              get(pair + "/info?maxMismatchedPixels=" + pixels)));
    }
    for (String path :
        List.of(
            "/diff",
            "/diff/" + plain,
            pair + "/nope",
            pair + "/info/x",
            "/diff/" + FRESH_ID + "/" + plain,
            "/diff/" + plain + "/" + FRESH_ID + "/info",
            "/diff/" + FRESH_ID + "/" + FRESH_ID)) {
      cases.add(new Case("GET " + path, 404, "not_found", get(path)));
    }
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      cases.add(
          new Case(
              method + " " + pair,
              405,
              "method_not_allowed",
              call(method, pair, ADMIN, "image/png", fresh())));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDiffs")
  void badDiffRequestsAreRefused(Case c) throws Exception {
    c.check();
  }

  @Test
  void aDiffOfAMissingImageNamesIt() throws Exception {
    Reply first = send("GET", "/diff/" + FRESH_ID + "/" + plain, null, null, null);
    assertJsonError(first, 404, "not_found");
    assertThat(message(first)).isEqualTo("no image " + FRESH_ID);
    Reply second = send("GET", "/diff/" + plain + "/" + FRESH_ID + "/info", null, null, null);
    assertJsonError(second, 404, "not_found");
    assertThat(message(second)).isEqualTo("no image " + FRESH_ID);
    String other = "e".repeat(32);
    Reply both = send("GET", "/diff/" + FRESH_ID + "/" + other, null, null, null);
    assertThat(message(both)).isEqualTo("no images " + FRESH_ID + " and " + other);
  }

  private static String message(Reply r) {
    return JsonParser.parseString(r.body()).getAsJsonObject().get("message").getAsString();
  }

  // ---------------------------------------------------------------------------------------------
  // Unknown paths and methods, and requests Jetty refuses before they reach a servlet

  static Stream<Case> unknownPathsAndMethods() {
    List<Case> cases = new ArrayList<>();
    for (String path :
        List.of(
            "/images",
            "/images/" + plain,
            "/references",
            "/runtimes",
            "/orphans",
            "/health",
            "/nope")) {
      cases.add(
          new Case(
              "PATCH " + path,
              405,
              "method_not_allowed",
              call("PATCH", path, ADMIN, "application/json", "{}".getBytes(UTF_8))));
      cases.add(
          new Case(
              "OPTIONS " + path,
              405,
              "method_not_allowed",
              call("OPTIONS", path, null, null, null)));
    }
    cases.add(
        new Case(
            "POST /health", 405, "method_not_allowed", call("POST", "/health", ADMIN, null, null)));
    cases.add(
        new Case(
            "POST /images/{uuid}",
            405,
            "method_not_allowed",
            () -> postForm("/images/" + FRESH_ID, UPLOADER, new Multipart().image(fresh()))));
    cases.add(
        new Case(
            "PUT /images",
            405,
            "method_not_allowed",
            call("PUT", "/images", UPLOADER, "image/png", fresh())));
    cases.add(
        new Case(
            "DELETE /images",
            405,
            "method_not_allowed",
            call("DELETE", "/images", ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /runtimes",
            405,
            "method_not_allowed",
            call("DELETE", "/runtimes", ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /references",
            405,
            "method_not_allowed",
            call("DELETE", "/references", ADMIN, null, null)));
    for (String path :
        List.of(
            "/nope",
            "/images/" + plain + "/nope",
            "/images/" + plain + "/info/x",
            "/references/x",
            "/runtimes/0123456789abcdef/x",
            "/orphans/" + plain + "/x",
            "/health/x",
            "/index.html",
            "/images/" + FRESH_ID,
            "/runtimes/0123456789abcdef",
            "/orphans/" + FRESH_ID)) {
      cases.add(new Case("GET " + path, 404, "not_found", get(path)));
    }
    cases.add(
        new Case(
            "GET /orphans/{uuid} of a referenced image",
            404,
            "not_found",
            get("/orphans/" + referenced)));
    cases.add(
        new Case(
            "POST /nope", 404, "not_found", call("POST", "/nope", UPLOADER, "image/png", fresh())));
    cases.add(
        new Case("DELETE /nope", 404, "not_found", call("DELETE", "/nope", ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /images of an unknown image",
            404,
            "not_found",
            call("DELETE", "/images/" + FRESH_ID, ADMIN, null, null)));
    cases.add(
        new Case(
            "DELETE /runtimes of an unknown runtime",
            404,
            "not_found",
            call("DELETE", "/runtimes/0123456789abcdef", ADMIN, null, null)));

    // Jetty refuses ambiguous paths itself, whatever the method.
    for (String method : List.of("GET", "PUT", "DELETE", "POST")) {
      cases.add(
          new Case(
              method + " with an encoded slash",
              400,
              null,
              call(
                  method,
                  "/runtimes/a%2Fb",
                  ADMIN,
                  "application/json",
                  Json.gson().toJson(otherRuntime()).getBytes(UTF_8))));
      cases.add(
          new Case(
              method + " with an encoded dot-dot",
              400,
              null,
              call(method, "/images/%2e%2e/" + FRESH_ID, ADMIN, "image/png", fresh())));
    }

    // Requests java.net.http will not send, over a plain socket.
    cases.add(rawCase("an encoded dot-dot segment", 400, "GET /images/%2e%2e/x HTTP/1.1"));
    cases.add(rawCase("an encoded dot-dot at the end", 400, "GET /images/x/%2E%2E HTTP/1.1"));
    cases.add(rawCase("a dot-dot escaping the root", 400, "GET /../images HTTP/1.1"));
    cases.add(rawCase("an encoded slash", 400, "GET /images/a%2Fb HTTP/1.1"));
    cases.add(rawCase("an encoded backslash", 400, "GET /images/a%5Cb HTTP/1.1"));
    cases.add(rawCase("an encoded NUL", 400, "GET /images/%00 HTTP/1.1"));
    cases.add(rawCase("a bad percent escape", 400, "GET /images/%zz HTTP/1.1"));
    cases.add(rawCase("a truncated percent escape", 400, "GET /images/% HTTP/1.1"));
    cases.add(rawCase("a path that is no path", 400, "GET images HTTP/1.1"));
    cases.add(
        new Case(
            "a malformed request line",
            400,
            null,
            () -> raw("THIS IS NOT HTTP\r\n\r\n", new byte[0])));
    cases.add(
        new Case(
            "HTTP/1.1 without Host",
            400,
            null,
            () -> raw("GET /images HTTP/1.1\r\nConnection: close\r\n\r\n", new byte[0])));
    cases.add(
        new Case(
            "a header line without a colon",
            400,
            null,
            () ->
                raw(
                    "GET /images HTTP/1.1\r\nHost: x\r\nNo colon here\r\nConnection: close\r\n\r\n",
                    new byte[0])));
    cases.add(
        new Case(
            "a header over the size limit",
            431,
            null,
            () ->
                raw(
                    "GET /images HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "b".repeat(64 * 1024)
                        + "\r\nConnection: close\r\n\r\n",
                    new byte[0])));
    cases.add(
        new Case(
            "a URI over the size limit",
            414,
            null,
            () ->
                raw(
                    "GET /images/"
                        + "a".repeat(64 * 1024)
                        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    new byte[0])));
    for (String length : List.of("abc", "-1", "1 2", "0x10", "99999999999999999999999")) {
      cases.add(
          new Case(
              "Content-Length: " + length,
              400,
              null,
              () -> raw(putHead("Content-Length: " + length), fresh())));
    }
    cases.add(
        new Case(
            "two different Content-Lengths",
            400,
            null,
            () -> {
              byte[] png = fresh();
              return raw(putHead("Content-Length: " + png.length + "\r\nContent-Length: 5"), png);
            }));
    cases.add(
        new Case(
            "Content-Length and chunked together",
            400,
            null,
            () -> {
              byte[] png = fresh();
              return raw(
                  putHead("Content-Length: " + png.length + "\r\nTransfer-Encoding: chunked"),
                  chunk(png));
            }));
    cases.add(
        new Case(
            "a chunk size that is no number",
            400,
            null,
            () ->
                raw(
                    putHead("Transfer-Encoding: chunked"),
                    "zz\r\nabc\r\n0\r\n\r\n".getBytes(US_ASCII))));
    cases.add(
        new Case(
            "a chunk longer than its size",
            400,
            null,
            () -> {
              byte[] png = fresh();
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              b.writeBytes((Integer.toHexString(10) + "\r\n").getBytes(US_ASCII));
              b.writeBytes(png);
              b.writeBytes("\r\n0\r\n\r\n".getBytes(US_ASCII));
              return raw(putHead("Transfer-Encoding: chunked"), b.toByteArray());
            }));
    cases.add(
        new Case(
            "a body shorter than its Content-Length",
            400,
            null,
            () -> {
              byte[] png = fresh();
              return rawHalfClosed(putHead("Content-Length: " + (png.length + 1000)), png);
            }));
    cases.add(
        new Case(
            "a chunked body that ends early",
            400,
            null,
            () -> {
              byte[] png = fresh();
              byte[] chunked = chunk(png);
              return rawHalfClosed(
                  putHead("Transfer-Encoding: chunked"),
                  Arrays.copyOf(chunked, chunked.length - 5));
            }));
    cases.add(
        new Case(
            "a JSON body shorter than its Content-Length",
            400,
            null,
            () ->
                rawHalfClosed(
                    "POST /references HTTP/1.1\r\nHost: x\r\nAuthorization: "
                        + TestService.basic(INDEXER, PASSWORD)
                        + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n",
                    "{\"references\":[".getBytes(UTF_8))));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownPathsAndMethods")
  void unknownPathsMethodsAndMalformedRequestsAreRefused(Case c) throws Exception {
    c.check();
  }

  @Test
  void anHttp09RequestLineGets505AsJson() throws Exception {
    // No version at all is HTTP/0.9, which Jetty rightly does not speak: 505, not a failure.
    Reply r = raw("GET /images\r\n\r\n", new byte[0]);
    assertThat(r.status()).isEqualTo(505);
    assertThat(r.header("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.header("Content-Type").orElse("")).startsWith("application/json");
    assertThat(JsonParser.parseString(r.body()).getAsJsonObject().get("status").getAsInt())
        .isEqualTo(505);
  }

  @Test
  void headOfAnythingButAnImageIs405WithoutABody() throws Exception {
    for (String path : List.of("/images/" + plain + "/info", "/images/x/y", "/images")) {
      Reply r = send("HEAD", path, null, null, null);
      assertWithMessage(path).that(r.status()).isEqualTo(405);
      assertWithMessage(path).that(r.header("X-Content-Type-Options")).hasValue("nosniff");
      assertWithMessage(path).that(r.body()).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Cases and their checks

  /** One bad request, the status it must get, and its error code (null: Jetty's own code). */
  static class Case {
    final String name;
    final int status;
    final String error;
    final Call call;

    Case(String name, int status, String error, Call call) {
      this.name = name;
      this.status = status;
      this.error = error;
      this.call = call;
    }

    void check() throws Exception {
      assertJsonError(name, call.send(), status, error);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Call {
    Reply send() throws Exception;
  }

  /** Status, headers and body, from java.net.http or from a raw socket. */
  record Reply(int status, HttpHeaders headers, String body) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    static Reply of(HttpResponse<String> r) {
      return new Reply(r.statusCode(), r.headers(), r.body());
    }
  }

  static void assertJsonError(Reply r, int status, String error) {
    assertJsonError("", r, status, error);
  }

  static void assertJsonError(String label, Reply r, int status, String error) {
    String context = label + ": " + r.status() + " " + r.headers().map() + "\n" + r.body();
    assertWithMessage(context).that(r.status()).isEqualTo(status);
    assertWithMessage(context).that(r.status() / 100).isEqualTo(4);
    assertWithMessage(context).that(r.header("X-Content-Type-Options")).hasValue("nosniff");
    assertWithMessage(context)
        .that(r.header("Content-Type").orElse(""))
        .startsWith("application/json");
    JsonElement parsed = JsonParser.parseString(r.body());
    assertWithMessage(context).that(parsed.isJsonObject()).isTrue();
    JsonObject body = parsed.getAsJsonObject();
    assertWithMessage(context).that(body.keySet()).containsExactly("status", "error", "message");
    assertWithMessage(context).that(body.get("status").getAsInt()).isEqualTo(status);
    if (error != null) {
      assertWithMessage(context).that(body.get("error").getAsString()).isEqualTo(error);
    } else {
      assertWithMessage(context).that(body.get("error").getAsString()).isNotEmpty();
    }
    assertWithMessage(context).that(body.get("message").getAsString()).isNotEmpty();
    if (status == 401) {
      assertWithMessage(context).that(r.header("WWW-Authenticate").orElse("")).startsWith("Basic");
    }
  }

  /** Adds the case as a multipart POST and as a raw PUT under the content's id. */
  private static void both(List<Case> cases, String name, byte[] body, int status, String error) {
    cases.add(
        new Case(
            "POST " + name,
            status,
            error,
            () -> postForm(new Multipart().image(body).json(Multipart.uiveri5Meta("bad")))));
    cases.add(
        new Case(
            "PUT " + name,
            status,
            error,
            call(
                "PUT",
                "/images/" + ImageId.forContent(body).value(),
                UPLOADER,
                "image/png",
                body)));
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /** A request as {@code userOrAuthorization}: an account name, or a whole Authorization value. */
  static Reply send(
      String method, String path, String userOrAuthorization, String contentType, byte[] body)
      throws Exception {
    return sendPublisher(
        method,
        path,
        userOrAuthorization,
        contentType,
        body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
  }

  static Reply sendPublisher(
      String method,
      String path,
      String userOrAuthorization,
      String contentType,
      BodyPublisher body)
      throws Exception {
    HttpRequest.Builder b = service.request(path, null);
    if (userOrAuthorization != null) {
      b.header("Authorization", authorization(userOrAuthorization));
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return Reply.of(service.sendForString(b.method(method, body).build()));
  }

  /** A request made when the case runs. */
  static Call call(
      String method, String path, String userOrAuthorization, String contentType, byte[] body) {
    return () -> send(method, path, userOrAuthorization, contentType, body);
  }

  static Call get(String path) {
    return call("GET", path, null, null, null);
  }

  static Call json(String method, String path, String user, String json) {
    return () -> sendJson(method, path, user, json);
  }

  static Reply sendJson(String method, String path, String user, String json) throws Exception {
    return send(method, path, user, "application/json", json.getBytes(UTF_8));
  }

  static Reply postForm(Multipart form) throws Exception {
    return postForm(UPLOADER, form);
  }

  static Reply postForm(String user, Multipart form) throws Exception {
    return postForm("/images", user, form);
  }

  static Reply postForm(String path, String user, Multipart form) throws Exception {
    return send("POST", path, user, form.contentType(), form.build());
  }

  /** An Authorization value for a test account, or the value itself when it is one already. */
  private static String authorization(String userOrAuthorization) {
    return switch (userOrAuthorization) {
      case UPLOADER, INDEXER, ADMIN -> TestService.basic(userOrAuthorization, PASSWORD);
      default -> userOrAuthorization;
    };
  }

  /** A body java.net.http sends chunked, without a Content-Length. */
  static BodyPublisher chunked(byte[] body) {
    return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
  }

  static byte[] download(String id) throws Exception {
    HttpResponse<byte[]> r = service.send(service.request("/images/" + id, null).build());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  // ---------------------------------------------------------------------------------------------
  // Raw HTTP over a socket, for requests java.net.http refuses to send

  private static Case rawCase(String name, int status, String requestLine) {
    return new Case(
        name,
        status,
        null,
        () -> raw(requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n", new byte[0]));
  }

  private static String putHead(String framing) {
    return "PUT /images/"
        + FRESH_ID
        + " HTTP/1.1\r\n"
        + "Host: localhost\r\n"
        + "Authorization: "
        + TestService.basic(UPLOADER, PASSWORD)
        + "\r\n"
        + "Content-Type: image/png\r\n"
        + framing
        + "\r\n"
        + "Connection: close\r\n\r\n";
  }

  /** Sends the head and body (from another thread: the answer may come before it is read). */
  static Reply raw(String head, byte[] body) throws Exception {
    return raw(head, body, false);
  }

  /** Like {@link #raw} but ends the request stream after the body, as a client that gives up. */
  static Reply rawHalfClosed(String head, byte[] body) throws Exception {
    return raw(head, body, true);
  }

  private static Reply raw(String head, byte[] body, boolean halfClose) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(20_000);
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      OutputStream out = socket.getOutputStream();
                      out.write(head.getBytes(UTF_8));
                      out.write(body);
                      out.flush();
                      if (halfClose) {
                        socket.shutdownOutput();
                      }
                    } catch (IOException e) {
                      // The server answered and closed before reading everything: fine.
                    }
                  });
      Reply reply = readResponse(socket.getInputStream());
      writer.join(20_000);
      return reply;
    }
  }

  private static Reply readResponse(InputStream in) throws IOException {
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    assertWithMessage("status line: " + statusLine).that(parts.length).isAtLeast(2);
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    HttpHeaders h = HttpHeaders.of(headers, (a, b) -> true);
    byte[] body;
    if (h.firstValue("Transfer-Encoding").map(v -> v.contains("chunked")).orElse(false)) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(readLine(in).trim(), 16);
          size > 0;
          size = Integer.parseInt(readLine(in).trim(), 16)) {
        b.writeBytes(in.readNBytes(size));
        readLine(in);
      }
      body = b.toByteArray();
    } else if (h.firstValueAsLong("Content-Length").isPresent()) {
      body = in.readNBytes((int) h.firstValueAsLong("Content-Length").getAsLong());
    } else {
      body = in.readAllBytes();
    }
    return new Reply(status, h, new String(body, UTF_8));
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed in the response head: " + line);
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(US_ASCII);
  }

  /** A body in one chunk and the last chunk. */
  private static byte[] chunk(byte[] data) {
    return concat(
        (Integer.toHexString(data.length) + "\r\n").getBytes(US_ASCII),
        data,
        "\r\n0\r\n\r\n".getBytes(US_ASCII));
  }

  // ---------------------------------------------------------------------------------------------
  // Bodies

  /** A valid PNG the store does not hold yet. */
  static synchronized byte[] fresh() {
    return TestPngs.png(nextSeed++);
  }

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  static byte[] png(byte[]... chunks) {
    return concat(SIGNATURE, concat(chunks));
  }

  /** A chunk with a correct CRC. */
  static byte[] chunk(String type, byte[] data) {
    byte[] t = type.getBytes(US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length)
        .putInt(data.length)
        .put(t)
        .put(data)
        .putInt((int) crc.getValue())
        .array();
  }

  static byte[] iend() {
    return chunk("IEND", new byte[0]);
  }

  /** A hand-made PNG of just an IHDR (with a correct CRC) and IEND: small, whatever it claims. */
  static byte[] header(
      int width, int height, int depth, int colour, int compression, int filter, int interlace) {
    byte[] ihdr =
        ByteBuffer.allocate(13)
            .putInt(width)
            .putInt(height)
            .put((byte) depth)
            .put((byte) colour)
            .put((byte) compression)
            .put((byte) filter)
            .put((byte) interlace)
            .array();
    return png(chunk("IHDR", ihdr), iend());
  }

  /** A valid PNG grown to {@code size} bytes by a private ancillary chunk after its IHDR. */
  static byte[] padded(byte[] png, int size) {
    int extra = size - png.length - 12;
    byte[] pad = chunk("prVt", bytes(extra, 'z'));
    return concat(Arrays.copyOf(png, 33), pad, Arrays.copyOfRange(png, 33, png.length));
  }

  static byte[] jpeg() {
    return encode(TYPE_RGB_IMAGE(), "jpg");
  }

  static byte[] gif() {
    return encode(TYPE_RGB_IMAGE(), "gif");
  }

  private static BufferedImage TYPE_RGB_IMAGE() {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, 16, 16);
    g.dispose();
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertThat(ImageIO.write(img, format, out)).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------
  // JSON bodies

  static ReferenceInfo ref(String uuid) {
    return ref(uuid, "shots/login.png.lnk");
  }

  static ReferenceInfo ref(String uuid, String path) {
    return new ReferenceInfo("p", "master", COMMIT, path, uuid);
  }

  static String references(String project, ReferenceInfo... refs) {
    ReferencesInput in = new ReferencesInput();
    in.project = project;
    in.references = List.of(refs);
    return Json.gson().toJson(in);
  }

  static RuntimeInfo runtime() {
    return runtimeOf("linux", "1600x1200", "chrome", "sap_fiori_3", "ltr", "default");
  }

  /** A valid runtime the store does not hold. */
  static RuntimeInfo otherRuntime() {
    return runtimeOf("windows", "1920x1080", "firefox", "sap_horizon", "rtl", "default");
  }

  /** The id the service derives from a runtime's dimensions. */
  static String idOf(RuntimeInfo r) {
    return RuntimeService.idOf(
        new TestRuntime(r.platform, r.resolution, r.browser, r.theme, r.direction, r.mode));
  }

  static RuntimeInfo runtimeOf(
      String platform,
      String resolution,
      String browser,
      String theme,
      String direction,
      String mode) {
    RuntimeInfo r = new RuntimeInfo();
    r.platform = platform;
    r.resolution = resolution;
    r.browser = browser;
    r.theme = theme;
    r.direction = direction;
    r.mode = mode;
    return r;
  }

  /** A copy of {@code value} (through JSON) changed by {@code change}. */
  @SuppressWarnings("unchecked")
  static <T> T with(T value, java.util.function.Consumer<T> change) {
    T copy = (T) Json.gson().fromJson(Json.gson().toJson(value), value.getClass());
    change.accept(copy);
    return copy;
  }
}
