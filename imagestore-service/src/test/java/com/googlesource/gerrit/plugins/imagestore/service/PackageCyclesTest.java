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

import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The service's packages import each other only downwards, so each can be read from below. */
class PackageCyclesTest {
  private static final String ROOT = "com.googlesource.gerrit.plugins.imagestore.service";
  private static final Path SOURCES = Path.of("src/main/java", ROOT.split("\\."));

  /** An import of the service's own code; the package is the part before the first type name. */
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?" + Pattern.quote(ROOT) + "((?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z]",
          Pattern.MULTILINE);

  @Test
  void packageImportsHaveNoCycle() throws IOException {
    MutableGraph<String> imports = GraphBuilder.directed().allowsSelfLoops(true).build();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String from = packageOf(file);
      Matcher m = IMPORT.matcher(Files.readString(file));
      while (m.find()) {
        String to = ROOT + m.group(1);
        if (!to.equals(from)) {
          imports.putEdge(from, to);
        }
      }
    }
    TreeSet<String> cyclic = new TreeSet<>();
    for (var edge : imports.edges()) {
      if (Graphs.reachableNodes(imports, edge.target()).contains(edge.source())) {
        cyclic.add(edge.source() + " -> " + edge.target());
      }
    }
    assertThat(cyclic).isEmpty();
  }

  private static String packageOf(Path file) {
    Path dir = SOURCES.relativize(file.getParent());
    return dir.toString().isEmpty() ? ROOT : ROOT + "." + dir.toString().replace('/', '.');
  }
}
