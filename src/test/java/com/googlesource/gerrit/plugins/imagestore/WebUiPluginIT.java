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
