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
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.cli.CliTest.Result;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code imagestore workflow} applying the {@code .imagestore.json} files of a UIVeri5 tree of real
 * screenshots, against a real service.
 */
class WorkflowComparisonConfigTest extends WorkflowTreeTest {
  private static final String RUNTIME = WorkflowCommandTest.RUNTIME;
  private static final AtomicInteger SEEDS = new AtomicInteger(5000);

  /** A business app screenshot with a clock showing {@code time} and a status line. */
  private static byte[] screen(int seed, String time, String status) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(TestPngs.screenshot(640, 400, seed)));
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

  private Path dir(String spec) throws IOException {
    return Files.createDirectories(tests.resolve("images/" + spec + "/" + RUNTIME));
  }

  /** A reference in the service and its link, and a fresh screenshot beside it. */
  private void image(String spec, String name, byte[] reference, byte[] actual) throws IOException {
    Path file = Files.write(Files.createTempFile(cache, "ref", ".png"), reference);
    ImageId id;
    try (ImagestoreClient c = service.client(UPLOADER)) {
      id = c.upload(file, null).id();
    }
    Files.writeString(dir(spec).resolve(name + ".ref.lnk"), "uuid=" + id, UTF_8);
    Files.write(dir(spec).resolve(name + ".act.png"), actual);
  }

  private void config(String directory, String json) throws IOException {
    Path dir = Files.createDirectories(tests.resolve(directory));
    Files.writeString(dir.resolve(".imagestore.json"), json, UTF_8);
  }

  private Result workflow(String... args) {
    List<String> all = new ArrayList<>();
    all.add("workflow");
    all.add("" + tests);
    all.addAll(Arrays.asList(args));
    all.addAll(
        List.of(
            "--url", "" + service.url(), "--cache", "" + cache, "--out", "" + out, "--jobs", "2"));
    return CliTest.run("", all.toArray(String[]::new));
  }

  private static String key(String spec, String name) {
    return "images/" + spec + "/" + RUNTIME + "/" + name;
  }

  @Test
  void ignoreRegionsAndTolerancesApplyBelowTheirFile() throws Exception {
    int seed = SEEDS.addAndGet(10);
    // The clock changed in both: ignored only for the images the glob names.
    image("shell", "header", screen(seed, "10:41", "Ready"), screen(seed, "10:42", "Ready"));
    image(
        "shell", "footer", screen(seed + 1, "10:41", "Ready"), screen(seed + 1, "10:42", "Ready"));
    // The status line changed: hundreds of pixels, beyond the default rule...
    image("list", "table", screen(seed + 2, "09:00", "Ready"), screen(seed + 2, "09:00", "3 rows"));
    // ...which a file in list/ relaxes, key by key: the clock rule from the root still applies.
    image(
        "list",
        "header",
        screen(seed + 3, "09:00", "Ready"),
        screen(seed + 3, "09:01", "Ready to go"));
    config(
        "",
        "{\"maxMismatchedPixels\": 0,"
            + " \"ignore\": [{\"images\": \"header\","
            + " \"regions\": [{\"x\": 520, \"y\": 4, \"width\": 70, \"height\": 26}]}]}");
    config("images/list", "{\"maxMismatchedPixels\": 5000, \"maxMismatchPercentage\": 5}");

    Result r = workflow("--compare");

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains("PASS    " + key("shell", "header") + "  identical, 1820 px ignored");
    // Not named by the glob: the clock counts, and the root's rule allows no pixel.
    assertThat(r.out()).contains("FAIL    " + key("shell", "footer"));
    assertThat(r.out()).contains("PASS    " + key("list", "table") + "  ");
    assertThat(r.out()).contains("allowed below 5000.0 px");
    assertThat(r.out()).contains("PASS    " + key("list", "header"));
    assertThat(r.out()).containsMatch("PASS    " + key("list", "header") + " .*1820 px ignored");
    assertThat(r.out()).doesNotContain("INVALID");

    // The report shows the rule each image was judged by: the footer's allows no pixel.
    String report = Files.readString(out.resolve("report.html"));
    assertThat(report).contains("allowed below 0.0 px");
  }

  @Test
  void theCommandLineIsTheBaseTheFilesRefine() throws Exception {
    int seed = SEEDS.addAndGet(10);
    image("a", "page", screen(seed, "10:00", "Ready"), screen(seed, "10:00", "Saved 3 items"));
    image(
        "b",
        "page",
        screen(seed + 1, "10:00", "Ready"),
        screen(seed + 1, "10:00", "Saved 3 items"));
    config("images/b", "{\"maxMismatchedPixels\": 0}");

    Result r = workflow("--max-mismatched-pixels", "5000", "--max-mismatch-percentage", "5");

    assertWithMessage(r.err()).that(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("PASS    " + key("a", "page"));
    assertThat(r.out()).contains("FAIL    " + key("b", "page"));
  }

  @Test
  void anInvalidFileIsReportedWithItsReasonAndIsBadInput() throws Exception {
    int seed = SEEDS.addAndGet(10);
    byte[] png = screen(seed, "10:00", "Ready");
    image("login", "page", png, png);
    image("other", "page", screen(seed + 1, "10:00", "Ready"), screen(seed + 1, "10:01", "Ready"));
    config("images/login", "{\"threshold\": 2}");
    config("images/other", "{\"ignore\": [{\"regions\": [{\"x\": 0, \"y\": 0, \"width\": 0}]}");

    Result r = workflow();

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).containsMatch("INVALID images/login/.imagestore.json: .*threshold");
    assertThat(r.out()).contains("INVALID images/other/.imagestore.json: ");
    // The images are still compared, as if the file were not there.
    assertThat(r.out()).contains("PASS    " + key("login", "page") + "  identical");
    assertThat(r.out()).contains(key("other", "page"));
    assertThat(r.err()).doesNotContain("\tat ");
  }
}
