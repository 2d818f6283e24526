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

package com.googlesource.gerrit.plugins.imagestore.config;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.testing.ConfigSuite;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.testing.ImagestoreTestBase;
import com.googlesource.gerrit.plugins.imagestore.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Config;
import org.junit.Rule;
import org.junit.Test;

/**
 * A {@code serviceUrl} with a user name and password in gerrit.config: the plugin loads but never
 * uses the address. Administrators read why in the configuration, the status and the previews;
 * everyone else, and the merge gate (which every reader of a change sees), says only that the
 * service address is not usable. The merge gate blocks submitting, and the address appears in no
 * answer and no log line.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class ServiceUrlWithCredentialsIT extends ImagestoreTestBase {
  private static final String PASSWORD = "pa55-in-the-url";
  private static final String URL = "http://gerrit-indexer:" + PASSWORD + "@127.0.0.1:1/";
  private static final String REFUSED = "must not contain a user name or password";
  private static final String NOT_USABLE =
      "the plugin's service address (serviceUrl) is not usable;"
          + " administrators see why in imagestore~status";

  /** Outermost: attached before the test's Gerrit starts and the plugin loads (and logs). */
  @Rule(order = Integer.MIN_VALUE)
  public final LogCapture logs = new LogCapture();

  @ConfigSuite.Default
  public static Config defaultConfig() {
    Config cfg = new Config();
    cfg.setString("plugin", "imagestore", "serviceUrl", URL);
    return cfg;
  }

  @Test
  public void isRefusedSaysWhyAndNeverShowsThePassword() throws Exception {
    List<String> answers = new ArrayList<>();

    RestResponse config = getAnswered("/config/server/imagestore~config");
    config.assertOK();
    answers.add(config.getEntityContent());
    JsonObject configInfo = JsonParser.parseString(config.getEntityContent()).getAsJsonObject();
    assertThat(configInfo.has("service_url")).isFalse();
    assertThat(configInfo.get("service_url_error").getAsString()).contains(REFUSED);
    assertThat(configInfo.get("service_url_error").getAsString()).contains("secure.config");

    JsonObject status = status();
    answers.add(status.toString());
    assertThat(status.get("service_url_error").getAsString()).contains(REFUSED);
    RestResponse userStatus = userRestSession.get(statusUrl());
    userStatus.assertOK();
    answers.add(userStatus.getEntityContent());
    JsonObject userStatusInfo =
        JsonParser.parseString(userStatus.getEntityContent()).getAsJsonObject();
    assertThat(userStatusInfo.get("service_url_error").getAsString()).isEqualTo(NOT_USABLE);

    String changeId =
        createChange(
                "link",
                LNK_DIR + "a.ref.lnk",
                LnkFile.format(ImageId.of("0123456789abcdef0123456789abcdef")))
            .getChangeId();
    String previewsUrl = "/changes/" + changeId + "/revisions/1/imagestore~previews";
    RestResponse previews = getAnswered(previewsUrl);
    answers.add(previews.getEntityContent());
    previews.assertConflict();
    assertThat(previews.getEntityContent()).contains(REFUSED);
    // Any other reader of the change: the same 409, without the reason.
    RestResponse userPreviews = userRestSession.get(previewsUrl);
    answers.add(userPreviews.getEntityContent());
    userPreviews.assertConflict();
    assertThat(userPreviews.getEntityContent())
        .contains("screenshots cannot be checked: " + NOT_USABLE);
    assertThat(userPreviews.getEntityContent()).doesNotContain(REFUSED);

    JsonObject gate = gateAnswer(changeId);
    answers.add(gate.toString());
    assertThat(gate.get("status").getAsString()).isNotEqualTo("SATISFIED");
    // Every reader of the change sees the gate's message: no reason in it.
    assertThat(
            gate.getAsJsonObject("submittability_expression_result")
                .get("error_message")
                .getAsString())
        .contains(NOT_USABLE);
    assertThat(gate.toString()).doesNotContain(REFUSED);

    RestResponse messages = getAnswered("/changes/" + changeId + "/messages");
    answers.add(messages.getEntityContent());

    for (String answer : answers) {
      assertWithMessage("a REST answer").that(answer).doesNotContain(PASSWORD);
      assertWithMessage("a REST answer").that(answer).doesNotContain("@127.0.0.1:1/");
    }
    List<String> logged = logs.lines();
    assertWithMessage("the refusal is logged at load")
        .that(logged.stream().anyMatch(l -> l.contains(REFUSED)))
        .isTrue();
    for (String line : logged) {
      assertWithMessage("a log line").that(line).doesNotContain(PASSWORD);
      assertWithMessage("a log line").that(line).doesNotContain("@127.0.0.1:1/");
    }
  }
}
