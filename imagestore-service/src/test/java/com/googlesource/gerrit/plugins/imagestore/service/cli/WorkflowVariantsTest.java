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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.cli.CliTest.Result;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Accepted variants ({@code alt=} lines) in {@code imagestore workflow}: a screenshot passes when
 * it matches the reference or any variant, {@code --update --as-variant} adds a variant instead of
 * replacing the reference, {@code --upload} stores it. Real screenshots-like PNGs in a UIVeri5
 * tree, a real service.
 */
class WorkflowVariantsTest extends WorkflowTreeTest {
  private static final String RUNTIME = "linux/1600x1200/chrome/sap_horizon/ltr/cozy";
  private static final AtomicInteger SEEDS = new AtomicInteger(5000);

  /**
   * A business-app screenshot and renderings of it: the reference, a variant (a focus ring the
   * browser draws on some runs: 200 px, which fails against the reference) and a broken one.
   */
  private record Renderings(byte[] reference, byte[] variant, byte[] broken) {}

  private static Renderings renderings() throws IOException {
    byte[] reference = TestPngs.screenshot(400, 300, SEEDS.addAndGet(10));
    byte[] variant = paint(reference, 120, 80, 20, 10, 0x0a6ed1);
    byte[] broken = paint(reference, 200, 200, 60, 30, 0xbb0000);
    return new Renderings(reference, variant, broken);
  }

  /** {@code png} with a {@code w}x{@code h} rectangle of {@code rgb} at ({@code x}, {@code y}). */
  private static byte[] paint(byte[] png, int x, int y, int w, int h, int rgb) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    for (int j = y; j < y + h; j++) {
      for (int i = x; i < x + w; i++) {
        img.setRGB(i, j, 0xff000000 | rgb);
      }
    }
    return TestPngs.encode(img);
  }

  private static ImageId stored(byte[] png, Path tmp) throws IOException {
    Path file = Files.write(Files.createTempFile(tmp, "img", ".png"), png);
    try (ImagestoreClient c = service.client(UPLOADER)) {
      return c.upload(file, null).id();
    }
  }

  private Path dir() throws IOException {
    return Files.createDirectories(tests.resolve("images/form/" + RUNTIME));
  }

  private Path lnk(String name, Links links) throws IOException {
    return Files.write(dir().resolve(name + ".ref.lnk"), LnkFile.formatBytes(links));
  }

  private void act(String name, byte[] png) throws IOException {
    Files.write(dir().resolve(name + ".act.png"), png);
  }

  private static String key(String name) {
    return "images/form/" + RUNTIME + "/" + name;
  }

  private Result workflow(String... args) {
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
    return CliTest.run(Map.of(), writes ? PASSWORD + "\n" : "", all.toArray(String[]::new));
  }

  @Test
  void aScreenshotPassesWhenItMatchesTheReferenceOrAnyVariantAndSaysWhich() throws Exception {
    Renderings r = renderings();
    ImageId ref = stored(r.reference(), cache);
    ImageId variant = stored(r.variant(), cache);
    Links links = new Links(ref, List.of(variant));
    // Like the variant but for three pixels: fails against the reference, passes the variant.
    lnk("near-variant", links);
    act("near-variant", paint(r.variant(), 380, 290, 3, 1, 0xff00ff));
    // Exactly the variant: passes without a comparison.
    lnk("is-variant", links);
    act("is-variant", r.variant());
    // Close to the reference: passes against it, no variant needed.
    lnk("near-reference", links);
    act("near-reference", paint(r.reference(), 380, 290, 3, 1, 0xff00ff));
    // Neither: fails, saying the variant did not match either.
    lnk("broken", links);
    act("broken", r.broken());

    Result run = workflow("--compare");

    assertWithMessage(run.err()).that(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .containsMatch(
            "PASS +"
                + key("near-variant")
                + "  3 px mismatched .*\\(matches variant "
                + variant
                + "\\)");
    assertThat(run.out())
        .contains("PASS    " + key("is-variant") + "  identical (matches variant " + variant + ")");
    assertThat(run.out()).containsMatch("PASS +" + key("near-reference") + "  3 px mismatched");
    assertThat(run.out()).doesNotContainMatch(key("near-reference") + ".*matches variant");
    assertThat(run.out())
        .containsMatch(
            "FAIL +" + key("broken") + "  \\d+ px mismatched .*; none of its 1 variant matches;");
    assertThat(run.out()).contains("1 failed");
    // The report names the variant a screenshot passed against.
    assertThat(Files.readString(out.resolve("report.html"))).contains("matches variant " + variant);
  }

  @Test
  void updateAsVariantAddsTheNewImageOnceAndTheNextRunPasses() throws Exception {
    Renderings r = renderings();
    ImageId ref = stored(r.reference(), cache);
    Path link = lnk("dialog", Links.of(ref));
    act("dialog", r.variant());
    ImageId fresh = ImageId.forContent(r.variant());

    Result update = workflow("--update", "--as-variant", "--upload");

    assertWithMessage(update.err()).that(update.exit()).isEqualTo(0);
    assertThat(update.out()).contains("updated " + link + " -> " + fresh + " (variant)");
    // The reference line stays exactly UIVeri5's; the variant follows it.
    assertThat(Files.readString(link)).isEqualTo("uuid=" + ref + "\nalt=" + fresh + "\n");
    // --upload stored the variant's image.
    try (ImagestoreClient c = service.client(UPLOADER)) {
      assertThat(c.exists(fresh)).isTrue();
    }

    // The next run passes on the variant; updating again adds nothing (idempotent).
    Result again = workflow("--update", "--as-variant");
    assertWithMessage(again.err()).that(again.exit()).isEqualTo(0);
    assertThat(again.out())
        .contains("PASS    " + key("dialog") + "  identical (matches variant " + fresh + ")");
    assertThat(again.out()).doesNotContain("updated ");
    assertThat(Files.readString(link)).isEqualTo("uuid=" + ref + "\nalt=" + fresh + "\n");

    // A second rendering becomes a second variant.
    act("dialog", r.broken());
    ImageId second = ImageId.forContent(r.broken());
    assertThat(workflow("--update", "--as-variant").exit()).isEqualTo(0);
    assertThat(LnkFile.parseLinks(Files.readAllBytes(link)))
        .isEqualTo(new Links(ref, List.of(fresh, second)));
  }

  @Test
  void updateWithoutAsVariantReplacesTheReferenceAndKeepsTheVariants() throws Exception {
    Renderings r = renderings();
    ImageId ref = stored(r.reference(), cache);
    ImageId variant = stored(r.variant(), cache);
    Path link = lnk("table", new Links(ref, List.of(variant)));
    act("table", r.broken());
    ImageId fresh = ImageId.forContent(r.broken());

    Result update = workflow("--update");

    assertWithMessage(update.err()).that(update.exit()).isEqualTo(0);
    assertThat(update.out())
        .contains("updated " + link + " -> " + fresh + " (keeping 1 variant(s))");
    assertThat(Files.readString(link)).isEqualTo("uuid=" + fresh + "\nalt=" + variant + "\n");
  }

  @Test
  void aFullLinkTakesNoFurtherVariantAndSaysWhy() throws Exception {
    Renderings r = renderings();
    ImageId ref = stored(r.reference(), cache);
    List<ImageId> sixteen = new ArrayList<>();
    for (int i = 0; i < LnkFile.MAX_VARIANTS; i++) {
      // Ids of images never uploaded: the run reports them missing, which is beside the point.
      sixteen.add(ImageId.forContent(("variant " + i + " " + ref).getBytes(UTF_8)));
    }
    Path link = lnk("full", new Links(ref, sixteen));
    String before = Files.readString(link);
    act("full", r.broken());

    Result update = workflow("--update", "--as-variant");

    assertThat(update.exit()).isEqualTo(1);
    assertThat(update.err())
        .contains("the link lists 16 variants already, the most it may hold; drop one");
    assertThat(Files.readString(link)).isEqualTo(before);
    assertThat(update.out()).contains("the service has no variant " + sixteen.get(0));
  }

  @Test
  void aMissingVariantIsNamedAndABadAltLineIsBadInput() throws Exception {
    Renderings r = renderings();
    ImageId ref = stored(r.reference(), cache);
    ImageId neverUploaded = ImageId.forContent(r.variant());
    lnk("menu", new Links(ref, List.of(neverUploaded)));
    act("menu", r.broken());
    Files.writeString(dir().resolve("bad.ref.lnk"), "uuid=" + ref + "\nalt=" + ref + "-2\n");
    act("bad", r.reference());

    Result run = workflow();

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out())
        .containsMatch("FAIL +" + key("menu") + ".*; the service has no variant " + neverUploaded);
    assertThat(run.out()).containsMatch("ERROR +" + key("bad") + "  malformed link .*alt=");
  }

  @Test
  void asVariantNeedsUpdateAndDoesNotGoWithCentral() throws Exception {
    dir();
    Result alone = workflow("--as-variant");
    assertThat(alone.exit()).isEqualTo(2);
    assertThat(alone.err()).contains("--as-variant goes with --update");
    Result central = workflow("--update", "--upload", "--as-variant", "--central");
    assertThat(central.exit()).isEqualTo(2);
    assertThat(central.err()).contains("--as-variant does not go with --central");
  }
}
