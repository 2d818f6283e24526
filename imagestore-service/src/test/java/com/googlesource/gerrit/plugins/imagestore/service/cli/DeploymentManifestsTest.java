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

import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The container image and Kubernetes manifests under deploy/ stay in step with the code: every
 * IMAGESTORE_* variable they set is a setting the service reads, and every probe answers 200 on a
 * real server.
 */
class DeploymentManifestsTest {
  private static final Path DEPLOY = Path.of("..", "deploy");

  /** Settings read without a flag (secrets, logging): see StoreOptions and ImagestoreCommand. */
  private static final Set<String> NON_FLAG_SETTINGS =
      Set.of("IMAGESTORE_DB_PASSWORD", "IMAGESTORE_LOG_FORMAT");

  @TempDir Path dir;

  private static Set<String> knownSettings() {
    Set<String> known = new HashSet<>(NON_FLAG_SETTINGS);
    CommandLine serve = new CommandLine(new ImagestoreCommand()).getSubcommands().get("serve");
    for (OptionSpec option : serve.getCommandSpec().options()) {
      if (option.longestName().startsWith("--")) {
        known.add(ConfigDefaults.envName(option.longestName().substring(2)));
      }
    }
    return known;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> manifests() throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (var files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (Reader r = Files.newBufferedReader(file)) {
          for (Object doc : new Yaml().loadAll(r)) {
            docs.add((Map<String, Object>) doc);
          }
        }
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object n = node;
    for (String key : path) {
      n =
          key.matches("\\d+")
              ? ((List<Object>) n).get(Integer.parseInt(key))
              : ((Map<?, ?>) n).get(key);
    }
    return (T) n;
  }

  @Test
  void everyVariableTheyGiveIsASettingOfTheService() throws Exception {
    Set<String> known = knownSettings();
    assertThat(known).contains("IMAGESTORE_DB_URL");
    List<String> given = new ArrayList<>();
    for (Map<String, Object> doc : manifests()) {
      if (doc.get("kind").equals("ConfigMap")) {
        given.addAll(((Map<String, Object>) doc.get("data")).keySet());
      }
      if (doc.get("kind").equals("Deployment")) {
        List<Map<String, Object>> env =
            at(doc, "spec", "template", "spec", "containers", "0", "env");
        env.forEach(e -> given.add((String) e.get("name")));
      }
    }
    Matcher m =
        Pattern.compile("(IMAGESTORE_[A-Z_]+)=")
            .matcher(Files.readString(DEPLOY.resolve("Dockerfile")));
    while (m.find()) {
      given.add(m.group(1));
    }
    for (String name : given) {
      if (name.startsWith("IMAGESTORE_")) {
        assertWithMessage("%s is not a setting of `imagestore serve`", name)
            .that(known)
            .contains(name);
      }
    }
    assertThat(given).contains("IMAGESTORE_DB_PASSWORD");
  }

  @Test
  void theProbesAnswerOnARealServer() throws Exception {
    Map<String, Object> deployment =
        manifests().stream()
            .filter(d -> d.get("kind").equals("Deployment"))
            .findFirst()
            .orElseThrow();
    Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");
    assertThat(Files.readString(DEPLOY.resolve("Dockerfile")))
        .contains("IMAGESTORE_PORT=" + at(container, "ports", "0", "containerPort"));
    try (TestService service = TestService.start(dir)) {
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        String path = at(container, probe, "httpGet", "path");
        HttpResponse<String> r = service.sendForString(service.request(path, null).build());
        assertWithMessage("%s %s", probe, path).that(r.statusCode()).isEqualTo(200);
      }
    }
  }
}
