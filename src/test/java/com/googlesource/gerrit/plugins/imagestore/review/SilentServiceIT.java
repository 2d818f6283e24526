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

package com.googlesource.gerrit.plugins.imagestore.review;

import static com.google.common.truth.Truth.assertThat;

import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.testing.ConfigSuite;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import com.googlesource.gerrit.plugins.imagestore.testing.SilentServer;
import org.eclipse.jgit.lib.Config;
import org.junit.AfterClass;
import org.junit.Test;

/**
 * An image service that accepts connections and never answers: the previews and the merge gate give
 * up within their short timeouts and say the images cannot be verified, never that they are
 * missing.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class SilentServiceIT extends ImagestoreTestBase {
  private static SilentServer silent;

  /** Instead of the real service: the silent one, with short timeouts. */
  @ConfigSuite.Default
  public static Config defaultConfig() throws Exception {
    if (silent == null) {
      silent = SilentServer.start();
    }
    Config cfg = new Config();
    cfg.setString("plugin", "imagestore", "serviceUrl", silent.url().toString());
    cfg.setString("plugin", "imagestore", "connectTimeout", "500ms");
    cfg.setString("plugin", "imagestore", "readTimeout", "500ms");
    cfg.setString("plugin", "imagestore", "reviewDeadline", "2s");
    cfg.setString("plugin", "imagestore", "indexTimeout", "1s");
    return cfg;
  }

  @AfterClass
  public static void stopSilentServer() throws Exception {
    if (silent != null) {
      silent.close();
      silent = null;
    }
  }

  @Test
  public void previewsAndGateSayCannotVerifyNotMissing() throws Exception {
    ImageId image = ImageId.of("0123456789abcdef0123456789abcdef");
    String changeId =
        createChange("link", LNK_DIR + "a.ref.lnk", LnkFile.format(image)).getChangeId();

    RestResponse r = getAnswered("/changes/" + changeId + "/revisions/1/imagestore~previews");
    r.assertOK();
    JsonObject previews = JsonParser.parseReader(r.getReader()).getAsJsonObject();
    JsonObject counts = previews.getAsJsonObject("counts");
    assertThat(counts.get("unverified").getAsInt()).isEqualTo(1);
    assertThat(counts.get("missing").getAsInt()).isEqualTo(0);
    assertThat(previews.get("service_problem").getAsString()).contains("did not answer");
    JsonObject newImage =
        previews.getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonObject("new");
    assertThat(newImage.get("problem").getAsString()).contains("did not answer");
    assertThat(newImage.has("missing") && newImage.get("missing").getAsBoolean()).isFalse();
    // The plugin did reach the server: this is the accept-and-never-answer case, not a dead port.
    assertThat(silent.accepted()).isGreaterThan(0);

    JsonObject gate = gateAnswer(changeId);
    assertThat(gate.get("status").getAsString()).isNotEqualTo("SATISFIED");
    String message =
        gate.getAsJsonObject("submittability_expression_result").get("error_message").getAsString();
    assertThat(message).contains("cannot verify 1 image");
    assertThat(message).contains("did not answer");
    assertThat(message).doesNotContain("not uploaded");
  }
}
