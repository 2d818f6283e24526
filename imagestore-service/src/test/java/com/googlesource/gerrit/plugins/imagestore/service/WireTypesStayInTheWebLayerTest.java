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

package com.googlesource.gerrit.plugins.imagestore.service;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The client library's wire types ({@code client.model}) are the web layer's business: the domain
 * returns and takes records of its own, and {@code http/} maps them. Only {@code http/} and the
 * command line ({@code cli/}, a client of the service) use them.
 */
class WireTypesStayInTheWebLayerTest {
  private static final String ROOT = "com.googlesource.gerrit.plugins.imagestore.service";
  private static final Path SOURCES = Path.of("src/main/java", ROOT.split("\\."));
  private static final String WIRE_TYPES =
      "com.googlesource.gerrit.plugins.imagestore.client.model";

  /** Packages (relative to the service's root) that may use the wire types. */
  private static final List<String> ALLOWED = List.of("http", "cli");

  /**
   * Files outside those packages that may use them (path below the service's root → the reason).
   * None today: a domain that needs a wire type's shape defines a record of its own.
   */
  private static final Map<String, String> EXCEPTIONS = Map.of();

  @Test
  void onlyTheWebLayerAndTheCommandLineUseWireTypes() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    TreeSet<String> offenders = new TreeSet<>();
    for (Path file : files) {
      String relative = SOURCES.relativize(file).toString().replace('\\', '/');
      String topPackage =
          relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
      if (ALLOWED.contains(topPackage) || EXCEPTIONS.containsKey(relative)) {
        continue;
      }
      // Imports and fully qualified names alike.
      if (Files.readString(file).contains(WIRE_TYPES + ".")) {
        offenders.add(relative);
      }
    }
    assertThat(offenders).isEmpty();
    // The check looks for the right name: the web layer's mapper does use the wire types.
    assertThat(Files.readString(SOURCES.resolve("http/WireTypes.java"))).contains(WIRE_TYPES + ".");
  }
}
