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

package com.googlesource.gerrit.plugins.imagestore.rest;

import static com.google.common.truth.Truth.assertThat;

import com.google.gerrit.acceptance.LightweightPluginDaemonTest;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.acceptance.config.GerritConfig;
import com.google.gerrit.server.config.SitePaths;
import com.google.gerrit.server.securestore.SecureStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.Inject;
import java.nio.file.Files;
import org.junit.Test;

@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class GetConfigIT extends LightweightPluginDaemonTest {
  private static final String CONFIG_URL = "/config/server/imagestore~config";
  private static final String SECRET = "s3cr3t-Pa55word";

  @Inject private SecureStore secureStore;
  @Inject private SitePaths sitePaths;

  @Test
  public void defaults() throws Exception {
    JsonObject config = getConfigAsAdmin();

    assertThat(config.keySet())
        .containsExactly("branches", "lnk_suffix", "username_set", "password_set");
    assertThat(config.get("branches").toString())
        .isEqualTo("[\"refs/heads/master\",\"refs/heads/rel-*\"]");
    assertThat(config.get("lnk_suffix").getAsString()).isEqualTo(".lnk");
    assertThat(config.get("username_set").getAsBoolean()).isFalse();
    assertThat(config.get("password_set").getAsBoolean()).isFalse();
  }

  @Test
  @GerritConfig(name = "plugin.imagestore.serviceUrl", value = "http://images.example.com:8081/")
  @GerritConfig(
      name = "plugin.imagestore.branch",
      values = {"refs/heads/main", " refs/heads/stable-* ", "refs/heads/main"})
  @GerritConfig(name = "plugin.imagestore.lnkSuffix", value = ".png.lnk")
  // Credentials in gerrit.config are ignored: they belong in secure.config.
  @GerritConfig(name = "plugin.imagestore.username", value = "ignored")
  @GerritConfig(name = "plugin.imagestore.password", value = "ignored")
  public void configuredValuesAndCredentialsFromSecureConfig() throws Exception {
    JsonObject config = getConfigAsAdmin();
    assertThat(config.get("service_url").getAsString())
        .isEqualTo("http://images.example.com:8081/");
    assertThat(config.get("branches").toString())
        .isEqualTo("[\"refs/heads/main\",\"refs/heads/stable-*\"]");
    assertThat(config.get("lnk_suffix").getAsString()).isEqualTo(".png.lnk");
    assertThat(config.get("username_set").getAsBoolean()).isFalse();
    assertThat(config.get("password_set").getAsBoolean()).isFalse();

    // The in-memory test site has no etc/ directory yet; the secure store writes secure.config
    // there.
    Files.createDirectories(sitePaths.etc_dir);
    secureStore.set("plugin", "imagestore", "username", "imagestore-bot");
    secureStore.set("plugin", "imagestore", "password", SECRET);

    RestResponse response = adminRestSession.get(CONFIG_URL);
    response.assertOK();
    String body = response.getEntityContent();
    assertThat(body).doesNotContain(SECRET);
    assertThat(body).doesNotContain("imagestore-bot");
    config = parse(body);
    assertThat(config.get("username_set").getAsBoolean()).isTrue();
    assertThat(config.get("password_set").getAsBoolean()).isTrue();
  }

  @Test
  public void forbiddenForNonAdministrators() throws Exception {
    userRestSession.get(CONFIG_URL).assertForbidden();
  }

  @Test
  public void forbiddenForAnonymous() throws Exception {
    anonymousRestSession.get(CONFIG_URL).assertForbidden();
  }

  private JsonObject getConfigAsAdmin() throws Exception {
    RestResponse response = adminRestSession.get(CONFIG_URL);
    response.assertOK();
    return parse(response.getEntityContent());
  }

  private static JsonObject parse(String body) {
    // Gerrit prefixes JSON responses with )]}' against XSSI.
    String json = body.startsWith(")]}'") ? body.substring(4) : body;
    return JsonParser.parseString(json).getAsJsonObject();
  }
}
