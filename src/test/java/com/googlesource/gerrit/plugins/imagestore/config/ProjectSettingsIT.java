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

import com.google.gerrit.acceptance.LightweightPluginDaemonTest;
import com.google.gerrit.acceptance.RestResponse;
import com.google.gerrit.acceptance.TestPlugin;
import com.google.gerrit.acceptance.testsuite.project.ProjectOperations;
import com.google.gerrit.entities.Project;
import com.google.gerrit.extensions.api.projects.ConfigInput;
import com.google.gerrit.extensions.api.projects.ConfigValue;
import com.google.gerrit.extensions.restapi.IdString;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.Inject;
import java.util.Map;
import org.junit.Test;

/**
 * {@code enabled} and {@code mergeGate} are project config entries: Gerrit's project config REST
 * API (what its project settings page uses) shows them with their inherited values and changes
 * them, and the plugin acts on what was set there.
 */
@TestPlugin(name = "imagestore", sysModule = "com.googlesource.gerrit.plugins.imagestore.Module")
public class ProjectSettingsIT extends LightweightPluginDaemonTest {
  @Inject private ProjectOperations projectOperations;

  private static String configUrl(Project.NameKey p) {
    return "/projects/" + IdString.fromDecoded(p.get()).encoded() + "/config";
  }

  /** The plugin's entries in {@code plugin_config} of the project's config, as an owner sees it. */
  private JsonObject entries(Project.NameKey p) throws Exception {
    RestResponse r = adminRestSession.get(configUrl(p));
    assertWithMessage(r.getEntityContent()).that(r.getStatusCode()).isEqualTo(200);
    String json = r.getEntityContent();
    // Gerrit's JSON starts with an XSSI guard line.
    return JsonParser.parseString(json.substring(json.indexOf('\n') + 1))
        .getAsJsonObject()
        .getAsJsonObject("plugin_config")
        .getAsJsonObject("imagestore");
  }

  private void put(Project.NameKey p, String key, String value) throws Exception {
    ConfigInput in = new ConfigInput();
    in.pluginConfigValues = Map.of("imagestore", Map.of(key, new ConfigValue(value)));
    RestResponse r = adminRestSession.put(configUrl(p), in);
    assertWithMessage(r.getEntityContent()).that(r.getStatusCode()).isEqualTo(200);
  }

  private static String field(JsonObject entry, String name) {
    return entry.has(name) ? entry.get(name).getAsString() : null;
  }

  private ImagestoreConfig config() {
    return plugin.getSysInjector().getInstance(ImagestoreConfig.class);
  }

  @Test
  public void bothSettingsAreListedWithTheirDefaultsAndInheritable() throws Exception {
    JsonObject entries = entries(project);
    assertThat(entries.keySet()).containsExactly("enabled", "mergeGate");
    JsonObject enabled = entries.getAsJsonObject("enabled");
    assertThat(field(enabled, "type")).isEqualTo("BOOLEAN");
    assertThat(field(enabled, "value")).isEqualTo("false");
    assertThat(enabled.get("inheritable").getAsBoolean()).isTrue();
    assertThat(enabled.get("editable").getAsBoolean()).isTrue();
    assertThat(field(enabled, "display_name")).contains("imagestore");
    JsonObject gate = entries.getAsJsonObject("mergeGate");
    assertThat(field(gate, "value")).isEqualTo("true");
    assertThat(field(gate, "inherited_value")).isEqualTo("true");
    assertThat(field(gate, "description")).contains("Imagestore-Images-Available");
    assertThat(config().isEnabled(project)).isFalse();
  }

  @Test
  public void aValueSetOnAParentIsShownAsInheritedAndAChildOverridesAndClearsIt() throws Exception {
    Project.NameKey child = projectOperations.newProject().parent(project).create();

    put(project, "enabled", "true");
    JsonObject enabled = entries(child).getAsJsonObject("enabled");
    assertThat(field(enabled, "value")).isEqualTo("true");
    assertThat(field(enabled, "inherited_value")).isEqualTo("true");
    assertThat(field(enabled, "configured_value")).isNull();
    assertThat(config().isEnabled(child)).isTrue();
    assertThat(config().isMergeGateOn(child)).isTrue();

    put(child, "mergeGate", "false");
    JsonObject gate = entries(child).getAsJsonObject("mergeGate");
    assertThat(field(gate, "value")).isEqualTo("false");
    assertThat(field(gate, "configured_value")).isEqualTo("false");
    assertThat(field(gate, "inherited_value")).isEqualTo("true");
    assertThat(config().isMergeGateOn(child)).isFalse();
    assertThat(config().isMergeGateOn(project)).isTrue();

    // An empty value removes the child's own setting: it inherits again.
    put(child, "mergeGate", "");
    gate = entries(child).getAsJsonObject("mergeGate");
    assertThat(field(gate, "configured_value")).isNull();
    assertThat(field(gate, "value")).isEqualTo("true");
    assertThat(config().isMergeGateOn(child)).isTrue();
  }

  @Test
  public void aValueOtherThanTrueIsStoredAsFalseNeverAsWritten() throws Exception {
    put(project, "enabled", "true");
    // Gerrit stores boolean entries parsed: nothing an owner types can leave the plugin a value it
    // cannot read.
    put(project, "enabled", "maybe");
    JsonObject enabled = entries(project).getAsJsonObject("enabled");
    assertThat(field(enabled, "configured_value")).isEqualTo("false");
    assertThat(config().isEnabled(project)).isFalse();
  }
}
