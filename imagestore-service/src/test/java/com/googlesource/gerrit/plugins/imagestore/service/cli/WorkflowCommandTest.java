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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.PASSWORD;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.cli.CliTest.Result;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code imagestore workflow} over a UIVeri5 tree of real PNGs in a temporary directory, against a
 * real service. Only Gerrit is stood in for, by a tiny HTTP server, until the plugin's endpoint is
 * merged.
 */
class WorkflowCommandTest extends WorkflowTreeTest {
  static final String RUNTIME = "linux/1600x1200/chrome/belize/ltr/desktop";
  static final String RUNTIME_RTL = "linux/1600x1200/chrome/belize/rtl/desktop";

  private static final AtomicInteger SEEDS = new AtomicInteger(1000);

  // --- the tree ---------------------------------------------------------------------------------

  private Path dir(String spec, String runtime) throws IOException {
    return Files.createDirectories(tests.resolve("images/" + spec + "/" + runtime));
  }

  private Path lnk(String spec, String runtime, String name, ImageId id) throws IOException {
    return Files.writeString(dir(spec, runtime).resolve(name + ".ref.lnk"), "uuid=" + id, UTF_8);
  }

  private Path act(String spec, String runtime, String name, byte[] png) throws IOException {
    return Files.write(dir(spec, runtime).resolve(name + ".act.png"), png);
  }

  /** Uploads a reference to the service and returns its id. */
  private static ImageId stored(byte[] png, Path tmp) throws IOException {
    Path file = Files.write(Files.createTempFile(tmp, "ref", ".png"), png);
    try (ImagestoreClient c = service.client(UPLOADER)) {
      return c.upload(file, null).id();
    }
  }

  /** {@code png} with {@code pixels} pixels of its first row turned magenta. */
  private static byte[] touched(byte[] png, int pixels) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    for (int x = 0; x < pixels; x++) {
      img.setRGB(10 + 3 * x, 10, 0xffff00ff);
    }
    return TestPngs.encode(img);
  }

  private static String key(String spec, String runtime, String name) {
    return "images/" + spec + "/" + runtime + "/" + name;
  }

  record Sample(
      ImageId passRef,
      ImageId failRef,
      byte[] failRefPng,
      byte[] passAct,
      byte[] failAct,
      byte[] newAct) {}

  /**
   * Four images: "same" (the screenshot is the reference), "close" (3 pixels off: passes), "broken"
   * (40 pixels off: fails), "fresh" (no link yet); and "gone" (a link without a screenshot).
   */
  private Sample sample() throws IOException {
    // The service is shared: each test its own pictures.
    int seed = SEEDS.addAndGet(100);
    byte[] same = TestPngs.png(200, 100, seed + 1);
    byte[] close = TestPngs.png(200, 100, seed + 2);
    byte[] broken = TestPngs.png(200, 100, seed + 3);
    ImageId sameId = stored(same, cache);
    ImageId closeId = stored(close, cache);
    ImageId brokenId = stored(broken, cache);
    lnk("login", RUNTIME, "same", sameId);
    act("login", RUNTIME, "same", same);
    lnk("login", RUNTIME, "close", closeId);
    byte[] closeAct = touched(close, 3);
    act("login", RUNTIME, "close", closeAct);
    lnk("login", RUNTIME, "broken", brokenId);
    byte[] brokenAct = touched(broken, 40);
    act("login", RUNTIME, "broken", brokenAct);
    byte[] fresh = TestPngs.png(200, 100, seed + 5);
    act("login", RUNTIME_RTL, "fresh", fresh);
    lnk("login", RUNTIME, "gone", stored(TestPngs.png(200, 100, seed + 6), cache));
    return new Sample(closeId, brokenId, broken, closeAct, brokenAct, fresh);
  }

  private Result workflow(String... args) {
    return workflow(Map.of(), args);
  }

  private Result workflow(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>();
    all.add("workflow");
    all.add("" + tests);
    all.addAll(Arrays.asList(args));
    all.addAll(
        List.of(
            "--url", "" + service.url(), "--cache", "" + cache, "--out", "" + out, "--jobs", "2"));
    boolean writes = all.contains("--upload");
    if (writes) {
      all.addAll(List.of("--user", UPLOADER, "--password-stdin"));
    }
    return CliTest.run(env, writes ? PASSWORD + "\n" : "", all.toArray(String[]::new));
  }

  private static void assertNoStackTrace(Result r) {
    assertThat(r.err()).doesNotContain("\tat ");
    assertThat(r.err()).doesNotContain("Exception");
  }

  // --- compare ----------------------------------------------------------------------------------

  @Test
  void compareReportsPassFailAndNewAndWritesTheDiff() throws Exception {
    Sample s = sample();

    Result r = workflow("--compare");

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("PASS    " + key("login", RUNTIME, "same") + "  identical");
    assertThat(r.out()).contains("PASS    " + key("login", RUNTIME, "close") + "  3 px mismatched");
    assertThat(r.out()).contains("FAIL    " + key("login", RUNTIME, "broken"));
    assertThat(r.out()).contains("NEW     " + key("login", RUNTIME_RTL, "fresh"));
    assertThat(r.out()).doesNotContain(key("login", RUNTIME, "gone"));
    assertThat(r.out())
        .contains(
            "4 image(s): 2 passed, 1 failed, 1 new, 0 missing reference(s), 0 error(s);"
                + " 1 link(s) without a new screenshot; references: 0 from the cache,"
                + " 2 downloaded");
    assertNoStackTrace(r);

    // The failure's three pictures, named as UIVeri5's local storage provider names them.
    Path failed = out.resolve(key("login", RUNTIME, "broken"));
    assertThat(Files.readAllBytes(Path.of(failed + ".ref.png"))).isEqualTo(s.failRefPng());
    assertThat(Files.readAllBytes(Path.of(failed + ".act.png"))).isEqualTo(s.failAct());
    BufferedImage diff = ImageIO.read(Path.of(failed + ".diff.png").toFile());
    assertThat(diff.getWidth()).isEqualTo(200);
    assertThat(diff.getRGB(10, 10) & 0xffffff).isEqualTo(0xff0000);
    assertThat(r.out()).contains("40 px mismatched");
    assertThat(r.out()).contains("diff: " + failed + ".diff.png");
    // Nothing is written for what passed; nothing in the tree changed.
    assertThat(Files.exists(Path.of(out.resolve(key("login", RUNTIME, "close")) + ".diff.png")))
        .isFalse();
    assertThat(Files.exists(dir("login", RUNTIME_RTL).resolve("fresh.ref.lnk"))).isFalse();
    assertThat(Files.readString(dir("login", RUNTIME).resolve("broken.ref.lnk")))
        .isEqualTo("uuid=" + s.failRef());
  }

  @Test
  void secondRunTakesReferencesFromTheCacheAndRefetchesADamagedOne() throws Exception {
    Sample s = sample();
    assertThat(workflow().out()).contains("0 from the cache, 2 downloaded");

    Result again = workflow();
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.out()).contains("2 from the cache, 0 downloaded");

    // Verified by content hash: a damaged entry is fetched again, and the verdict stays right.
    Path entry = cache.resolve(s.passRef().value().substring(0, 2) + "/" + s.passRef() + ".png");
    assertThat(Files.exists(entry)).isTrue();
    Files.write(entry, TestPngs.png(200, 100, 99));
    Result third = workflow();
    assertThat(third.out()).contains("1 from the cache, 1 downloaded");
    assertThat(third.out()).contains("PASS    " + key("login", RUNTIME, "close"));
    assertThat(ImageId.forContent(Files.readAllBytes(entry))).isEqualTo(s.passRef());
  }

  @Test
  void malformedLinkIsBadInputButTheOthersAreStillCompared() throws Exception {
    byte[] png = TestPngs.png(200, 100, 11);
    Path bad = Files.writeString(dir("login", RUNTIME).resolve("bad.ref.lnk"), "uuid=xyz", UTF_8);
    act("login", RUNTIME, "bad", png);
    lnk("login", RUNTIME, "good", ImageId.forContent(png));
    act("login", RUNTIME, "good", png);

    Result r = workflow();

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("ERROR   " + key("login", RUNTIME, "bad") + "  malformed link");
    assertThat(r.out()).contains(bad.toString());
    assertThat(r.out()).contains("PASS    " + key("login", RUNTIME, "good") + "  identical");
    assertNoStackTrace(r);
  }

  @Test
  void unreadablePngIsBadInput() throws Exception {
    byte[] png = TestPngs.png(200, 100, 12);
    lnk("login", RUNTIME, "garbled", stored(png, cache));
    Path garbled = act("login", RUNTIME, "garbled", TestPngs.undecodable(touched(png, 1)));
    act("login", RUNTIME, "notpng", "hello".getBytes(UTF_8));

    Result r = workflow();

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out())
        .contains(
            "ERROR   " + key("login", RUNTIME, "garbled") + "  " + garbled + " is no readable PNG");
    assertThat(r.out()).contains("ERROR   " + key("login", RUNTIME, "notpng"));
    assertNoStackTrace(r);
  }

  @Test
  void missingDirectoryAndBadUsage() throws Exception {
    Result r = CliTest.run("", "workflow", "" + repo.resolve("nowhere"), "--cache", "" + cache);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no such directory: " + repo.resolve("nowhere"));
    assertNoStackTrace(r);

    Files.createDirectories(tests);
    assertThat(workflow("--central", "--update", "--upload").err())
        .contains("--central needs --gerrit, --gerrit-user, --project and --branch");
    assertThat(workflow("--central", "--update").exit()).isEqualTo(2);
    Result noUser = CliTest.run("", "workflow", "" + tests, "--upload", "--cache", "" + cache);
    assertThat(noUser.exit()).isEqualTo(2);
    assertThat(noUser.err()).contains("--upload needs --user");
    assertThat(workflow("--threshold", "2").exit()).isEqualTo(2);
  }

  @Test
  void screenshotsInASeparateActualRootAsTheLocalStorageProviderWritesThem() throws Exception {
    byte[] ref = TestPngs.png(200, 100, 21);
    lnk("login", RUNTIME, "shot", stored(ref, cache));
    Path actRoot = repo.resolve("target");
    Path act = actRoot.resolve("images/login/" + RUNTIME + "/shot.act.png");
    Files.createDirectories(act.getParent());
    Files.write(act, TestPngs.png(200, 100, 22));
    Path fresh = actRoot.resolve("images/login/" + RUNTIME + "/other.act.png");
    Files.write(fresh, TestPngs.png(200, 100, 23));

    Result r = workflow("--actual", "" + actRoot, "--update");

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    assertThat(r.out()).contains("FAIL    " + key("login", RUNTIME, "shot"));
    // A new image's link goes below DIR, where UIVeri5 (refImagesRoot = DIR) would look for it.
    assertThat(r.out()).contains("NEW     images/login/" + RUNTIME + "/other");
    assertThat(Files.readString(tests.resolve("images/login/" + RUNTIME + "/other.ref.lnk")))
        .isEqualTo("uuid=" + ImageId.forContent(TestPngs.png(200, 100, 23)));
  }

  // --- update -----------------------------------------------------------------------------------

  @Test
  void updateRewritesExactlyTheFailingAndNewLinks() throws Exception {
    Sample s = sample();
    Map<String, String> before = links();

    Result r = workflow("--update");

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    Map<String, String> after = links();
    Set<String> changed = new TreeSet<>();
    for (String path : after.keySet()) {
      if (!after.get(path).equals(before.get(path))) {
        changed.add(path);
      }
    }
    assertThat(changed)
        .containsExactly(
            "test/visual/" + key("login", RUNTIME, "broken") + ".ref.lnk",
            "test/visual/" + key("login", RUNTIME_RTL, "fresh") + ".ref.lnk");
    // Exactly what UIVeri5 writes: no line break, the content-derived id.
    assertThat(after.get("test/visual/" + key("login", RUNTIME, "broken") + ".ref.lnk"))
        .isEqualTo("uuid=" + ImageId.forContent(s.failAct()));
    assertThat(after.get("test/visual/" + key("login", RUNTIME_RTL, "fresh") + ".ref.lnk"))
        .isEqualTo("uuid=" + ImageId.forContent(s.newAct()));
    assertThat(r.out()).contains("2 link(s) updated");

    // The tree is consistent now (the new links name images the service does not have yet,
    // but they equal the screenshots).
    Result again = workflow();
    assertWithMessage(again.out()).that(again.exit()).isEqualTo(0);
    assertThat(again.out()).contains("4 image(s): 4 passed, 0 failed");
  }

  private Map<String, String> links() throws IOException {
    Map<String, String> links = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(repo)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".ref.lnk")).toList()) {
        links.put(repo.relativize(p).toString(), Files.readString(p));
      }
    }
    return links;
  }

  // --- upload -----------------------------------------------------------------------------------

  @Test
  void uploadStoresOnlyMissingImagesAndIsIdempotent() throws Exception {
    Sample s = sample();
    Set<String> before = service.snapshot().images();

    Result r = workflow("--update", "--upload");

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    Set<String> added = new TreeSet<>(service.snapshot().images());
    added.removeAll(before);
    byte[] diff =
        Files.readAllBytes(Path.of(out.resolve(key("login", RUNTIME, "broken")) + ".diff.png"));
    // The failure's new image and diff, the new image; not the passing ones (already there).
    assertThat(added)
        .containsExactly(
            ImageId.forContent(s.failAct()).value(),
            ImageId.forContent(diff).value(),
            ImageId.forContent(s.newAct()).value());
    assertThat(r.out()).contains("uploaded 3 image(s), 1 already stored");
    try (ImagestoreClient c = service.client(UPLOADER)) {
      var info = c.info(ImageId.forContent(s.newAct())).orElseThrow();
      assertThat(info.spec.name).isEqualTo("login");
      assertThat(info.runtime.direction).isEqualTo("rtl");
      assertThat(info.uploadedBy).isEqualTo(UPLOADER);
    }

    Result again = workflow("--update", "--upload");
    assertThat(again.exit()).isEqualTo(0);
    assertThat(again.out()).contains("uploaded 0 image(s), 3 already stored");
    assertThat(service.snapshot().images()).hasSize(before.size() + 3);
  }

  // --- report -----------------------------------------------------------------------------------

  @Test
  void reportShowsTheImagesByRelativePathsAndEscapesNames() throws Exception {
    String spec = "a<b>&\"c'";
    byte[] ref = TestPngs.png(200, 100, 31);
    lnk(spec, RUNTIME, "shot", stored(ref, cache));
    act(spec, RUNTIME, "shot", TestPngs.png(200, 100, 32));
    sample();
    Path report = repo.resolve("reports/run.html");

    Result r = workflow("--report", "" + report);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("report: " + report);
    String html = Files.readString(report);
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).doesNotContain("<b>");
    assertThat(html).contains("a&lt;b&gt;&amp;&quot;c&#39;");
    assertThat(html).doesNotContain("http");
    assertThat(html).doesNotContain("<script");
    // Every picture it shows is there, by a relative path from the report.
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    List<String> sources = new ArrayList<>();
    while (m.find()) {
      sources.add(m.group(1));
      Path image = report.getParent().resolve(URLDecoder.decode(m.group(1), UTF_8)).normalize();
      assertWithMessage(m.group(1)).that(Files.isRegularFile(image)).isTrue();
    }
    // Two failures (reference, new, diff each) and one new image.
    assertThat(sources).hasSize(7);
    assertThat(sources)
        .contains("../target/imagestore/images/a%3Cb%3E%26%22c%27/" + RUNTIME + "/shot.diff.png");
    assertThat(html).contains(key("login", RUNTIME, "same"));

    // Without --report it goes into the output directory.
    workflow();
    assertThat(Files.isRegularFile(out.resolve("report.html"))).isTrue();
  }

  // --- central ----------------------------------------------------------------------------------

  @Test
  void centralAsksGerritForOneReviewPerTestAndRuntime() throws Exception {
    Sample s = sample();
    List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    List<String> paths = new CopyOnWriteArrayList<>();
    List<String> auth = new CopyOnWriteArrayList<>();
    HttpServer gerrit =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    gerrit.createContext(
        "/",
        ex -> {
          JsonObject body =
              JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), UTF_8))
                  .getAsJsonObject();
          bodies.add(body);
          paths.add(ex.getRequestURI().getRawPath());
          auth.add(ex.getRequestHeaders().getFirst("Authorization"));
          boolean rtl = body.get("runtime").getAsString().contains("/rtl/");
          byte[] answer =
              (")]}'\n{\"_number\":"
                      + (rtl ? 8 : 7)
                      + ",\"change_id\":\"I1\",\"url\":\"http://gerrit.example/c/ui/+/"
                      + (rtl ? 8 : 7)
                      + "\",\"created\":"
                      + !rtl
                      + ",\"patch_set\":1,\"unchanged\":"
                      + rtl
                      + "}")
                  .getBytes(UTF_8);
          ex.sendResponseHeaders(200, answer.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(answer);
          }
        });
    gerrit.start();
    Result r;
    try {
      r =
          workflow(
              Map.of("IMAGESTORE_GERRIT_PASSWORD", "gerrit http password"),
              "--update",
              "--upload",
              "--central",
              "--gerrit",
              "http://127.0.0.1:" + gerrit.getAddress().getPort() + "/",
              "--gerrit-user",
              "central",
              "--project",
              "ui/tests",
              "--branch",
              "master");
    } finally {
      gerrit.stop(0);
    }

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(0);
    assertThat(paths).hasSize(2);
    assertThat(paths).containsNoneOf("/a/projects/ui/tests/imagestore~reviews", "");
    assertThat(new TreeSet<>(paths)).containsExactly("/a/projects/ui%2Ftests/imagestore~reviews");
    assertThat(auth.get(0)).isEqualTo(TestService.basic("central", "gerrit http password"));
    JsonObject ltr =
        bodies.stream()
            .filter(b -> b.get("runtime").getAsString().equals(RUNTIME))
            .findFirst()
            .orElseThrow();
    assertThat(ltr.get("branch").getAsString()).isEqualTo("master");
    assertThat(ltr.get("test").getAsString()).isEqualTo("login");
    // Only the changed link, by its path in the repository.
    assertThat(ltr.getAsJsonObject("images").keySet())
        .containsExactly("test/visual/" + key("login", RUNTIME, "broken") + ".ref.lnk");
    assertThat(
            ltr.getAsJsonObject("images")
                .get("test/visual/" + key("login", RUNTIME, "broken") + ".ref.lnk")
                .getAsString())
        .isEqualTo(ImageId.forContent(s.failAct()).value());
    assertThat(ltr.has("responsible")).isFalse();
    assertThat(r.out())
        .contains("review  login " + RUNTIME + ": http://gerrit.example/c/ui/+/7 (new change 7)");
    assertThat(r.out())
        .contains("review  login " + RUNTIME_RTL + ": http://gerrit.example/c/ui/+/8 (unchanged)");
    assertThat(r.out() + r.err()).doesNotContain("gerrit http password");
  }

  @Test
  void centralNeedsThePasswordFromTheEnvironmentNotAFlag() throws Exception {
    Files.createDirectories(tests);
    Result r =
        workflow(
            "--update",
            "--upload",
            "--central",
            "--gerrit",
            "http://127.0.0.1:9/",
            "--gerrit-user",
            "central",
            "--project",
            "p",
            "--branch",
            "master");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("IMAGESTORE_GERRIT_PASSWORD");
    Result flag = workflow("--gerrit-password", "x");
    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.err()).contains("Unknown option");
  }
}
