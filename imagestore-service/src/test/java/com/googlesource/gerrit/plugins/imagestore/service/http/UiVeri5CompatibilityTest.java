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

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs UIVeri5's own RemoteStorageProvider (npm {@code @ui5/uiveri5}, unmodified, installed by the
 * build into src/test/uiveri5/node_modules) with node against the real service.
 */
class UiVeri5CompatibilityTest {
  private static final Path HARNESS = Path.of("src/test/uiveri5").toAbsolutePath();

  @TempDir Path data;
  @TempDir Path work;

  private static void assertUiVeri5Installed() {
    assertWithMessage(
            "UIVeri5 is not installed in %s: the build runs 'npm ci' there"
                + " (generate-test-resources); run it by hand when running this test alone",
            HARNESS)
        .that(Files.isDirectory(HARNESS.resolve("node_modules/@ui5/uiveri5")))
        .isTrue();
  }

  /** Runs a harness script with node; returns its one line of JSON. */
  private JsonObject runHarness(String script, TestService service) throws Exception {
    ProcessBuilder harness =
        new ProcessBuilder(
                "node",
                HARNESS.resolve(script).toString(),
                service.url().toString(),
                TestService.UPLOADER,
                TestService.PASSWORD,
                work.toString())
            .redirectError(work.resolve(script + ".stderr.log").toFile());
    Process node = harness.start();
    String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(work.resolve(script + ".stderr.log"));
    assertWithMessage("UIVeri5 harness %s failed:\n%s\n%s", script, stdout, stderr)
        .that(node.exitValue())
        .isEqualTo(0);
    return JsonParser.parseString(stdout.trim()).getAsJsonObject();
  }

  /**
   * A link with accepted variants ({@code alt=} lines) as imagestore writes it: UIVeri5's provider
   * reads the reference from it, and when it records a new reference it rewrites the file as {@code
   * uuid=<id>} alone, dropping the variants.
   */
  @Test
  void uiveri5ReadsTheReferenceOfALinkWithVariantsAndItsUpdateDropsThem() throws Exception {
    assertUiVeri5Installed();
    try (TestService service = TestService.start(data);
        ImagestoreClient uploader = service.client(TestService.UPLOADER)) {
      byte[] referencePng = TestPngs.png(160, 90, 41);
      ImageId reference =
          uploader.upload(Files.write(work.resolve("ref.png"), referencePng), null).id();
      ImageId variant =
          uploader
              .upload(Files.write(work.resolve("alt.png"), TestPngs.png(160, 90, 42)), null)
              .id();
      ImageId another =
          uploader
              .upload(Files.write(work.resolve("alt2.png"), TestPngs.png(160, 90, 43)), null)
              .id();
      Path lnk =
          Files.createDirectories(
                  work.resolve("images/demo/linux/1600x1200/chrome/sap_fiori_3/ltr/default"))
              .resolve("shot.ref.lnk");
      Files.write(lnk, LnkFile.formatBytes(new Links(reference, List.of(variant, another))));

      JsonObject result = runHarness("provider-variants.js", service);

      // It compared with the reference: the first uuid= line, the alt= lines unread.
      assertThat(result.get("readUrl").getAsString()).endsWith("/images/" + reference.value());
      assertThat(result.get("readSha256").getAsString()).isEqualTo(ImageId.sha256Hex(referencePng));
      // Its update replaced the reference and dropped the variants: exactly "uuid=<new>".
      String newId = result.get("newUuid").getAsString();
      assertThat(newId).isNotEqualTo(reference.value());
      assertThat(Files.readString(lnk)).isEqualTo("uuid=" + newId);
      assertThat(LnkFile.parseLinks(Files.readAllBytes(lnk)).variants()).isEmpty();
    }
  }

  @Test
  void uiveri5StoresAndReadsReferencesAndRefActDiffImages() throws Exception {
    assertUiVeri5Installed();
    try (TestService service = TestService.start(data)) {
      ProcessBuilder harness =
          new ProcessBuilder(
                  "node",
                  HARNESS.resolve("provider-roundtrip.js").toString(),
                  service.url().toString(),
                  TestService.UPLOADER,
                  TestService.PASSWORD,
                  work.toString())
              .redirectErrorStream(false)
              .redirectError(work.resolve("node-stderr.log").toFile());
      // Stack traces and the provider's own log lines, for the failure message.
      harness.environment().put("ROUNDTRIP_VERBOSE", "1");
      Process node = harness.start();
      String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.readString(work.resolve("node-stderr.log"));
      assertWithMessage("UIVeri5 harness failed:\n%s\n%s", stdout, stderr)
          .that(node.exitValue())
          .isEqualTo(0);

      JsonObject result = JsonParser.parseString(stdout.trim()).getAsJsonObject();
      assertThat(result.get("ok").getAsBoolean()).isTrue();
      String ref = result.get("refUuid").getAsString();
      String act = result.get("actUuid").getAsString();
      String diff = result.get("diffUuid").getAsString();
      for (String id : List.of(ref, act, diff)) {
        assertThat(ImageId.isValid(id)).isTrue();
        ImageInfo info = service.client(TestService.UPLOADER).info(ImageId.of(id)).orElseThrow();
        // Content-derived: the id is the start of the stored bytes' SHA-256.
        assertThat(info.sha256).startsWith(id);
        assertThat(info.uploadedBy).isEqualTo(TestService.UPLOADER);
        assertThat(info.spec.name).isEqualTo("demo");
        assertThat(info.runtime.browser).isEqualTo("chrome");
        assertThat(info.runtime.theme).isEqualTo("sap_fiori_3");
      }
      // The .lnk files UIVeri5 wrote name the images and parse with our reader.
      Path lnkDir = work.resolve("images/demo/linux/1600x1200/chrome/sap_fiori_3/ltr/default");
      assertThat(LnkFile.parse(Files.readAllBytes(lnkDir.resolve("shot.ref.lnk"))).value())
          .isEqualTo(ref);
      assertThat(LnkFile.parse(Files.readAllBytes(lnkDir.resolve("shot2.ref.lnk"))).value())
          .isEqualTo(act);
    }
  }
}
