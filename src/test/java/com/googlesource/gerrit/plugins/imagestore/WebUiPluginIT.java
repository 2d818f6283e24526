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

package com.googlesource.gerrit.plugins.imagestore;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gerrit.acceptance.LightweightPluginDaemonTest;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** The change-screen panel: registered with Gerrit's web UI and packaged where Gerrit serves it. */
@TestPlugin(
    name = "imagestore",
    sysModule = "com.googlesource.gerrit.plugins.imagestore.Module",
    httpModule = "com.googlesource.gerrit.plugins.imagestore.HttpModule")
public class WebUiPluginIT extends LightweightPluginDaemonTest {
  @Test
  public void webUiLoadsThePanelScript() throws Exception {
    // The web app loads every path listed here; Gerrit serves plugins/NAME/static/ from the jar.
    RestResponse response = anonymousRestSession.get("/config/server/info");
    response.assertOK();
    String body = response.getEntityContent();
    // Gerrit prefixes JSON responses with )]}' against XSSI.
    String json = body.startsWith(")]}'") ? body.substring(4) : body;
    JsonObject info = JsonParser.parseString(json).getAsJsonObject();
    JsonArray paths = info.getAsJsonObject("plugin").getAsJsonArray("js_resource_paths");
    List<String> jsPaths = new ArrayList<>();
    paths.forEach(path -> jsPaths.add(path.getAsString()));
    assertThat(jsPaths).contains("plugins/imagestore/static/" + HttpModule.UI_SCRIPT);
  }

  @Test
  public void panelScriptIsPackagedUnderStatic() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/static/" + HttpModule.UI_SCRIPT)) {
      assertThat(in).isNotNull();
      String script = new String(in.readAllBytes(), UTF_8);
      assertThat(script).contains("registerCustomComponent('change-view-integration'");
    }
  }
}
