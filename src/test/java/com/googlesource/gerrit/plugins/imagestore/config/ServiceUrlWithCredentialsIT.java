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
 * A {@code serviceUrl} with a user name and password in gerrit.config, as an administrator sees it:
 * the plugin loads but never uses the address; its configuration, status and previews say why, the
 * merge gate blocks submitting, and the password appears in no answer and no log line.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class ServiceUrlWithCredentialsIT extends ImagestoreTestBase {
  private static final String PASSWORD = "pa55-in-the-url";
  private static final String REFUSED = "must not contain a user name or password";

  /** Outermost: attached before the test's Gerrit starts and the plugin loads (and logs). */
  @Rule(order = Integer.MIN_VALUE)
  public final LogCapture logs = new LogCapture();

  @ConfigSuite.Default
  public static Config defaultConfig() {
    Config cfg = new Config();
    cfg.setString(
        "plugin",
        "imagestore",
        "serviceUrl",
        "http://gerrit-indexer:" + PASSWORD + "@127.0.0.1:1/");
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
    assertThat(userStatus.getEntityContent()).contains("administrators see why");

    String changeId =
        createChange(
                "link",
                LNK_DIR + "a.ref.lnk",
                LnkFile.format(ImageId.of("0123456789abcdef0123456789abcdef")))
            .getChangeId();
    RestResponse previews =
        getAnswered("/changes/" + changeId + "/revisions/1/imagestore~previews");
    answers.add(previews.getEntityContent());
    previews.assertConflict();
    assertThat(previews.getEntityContent()).contains(REFUSED);

    JsonObject gate = gateAnswer(changeId);
    answers.add(gate.toString());
    assertThat(gate.get("status").getAsString()).isNotEqualTo("SATISFIED");
    assertThat(
            gate.getAsJsonObject("submittability_expression_result")
                .get("error_message")
                .getAsString())
        .contains(REFUSED);

    RestResponse messages = getAnswered("/changes/" + changeId + "/messages");
    answers.add(messages.getEntityContent());

    for (String answer : answers) {
      assertWithMessage("a REST answer").that(answer).doesNotContain(PASSWORD);
    }
    List<String> logged = logs.lines();
    assertWithMessage("the refusal is logged at load")
        .that(logged.stream().anyMatch(l -> l.contains(REFUSED)))
        .isTrue();
    for (String line : logged) {
      assertWithMessage("a log line").that(line).doesNotContain(PASSWORD);
    }
  }
}
