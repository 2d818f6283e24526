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

import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code imagestore workflow} tests share: a real service per test class, and per test a
 * git working tree (its UIVeri5 tree under {@code test/visual}, the workflow's output under {@code
 * target/imagestore}) and a reference cache. The test classes run one after another (the service is
 * one static field for all of them).
 */
abstract class WorkflowTreeTest {
  @TempDir static Path serviceDir;
  static TestService service;

  @TempDir Path repo;
  @TempDir Path cache;
  Path tests;
  Path out;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(serviceDir);
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    LogManager.getLogManager().readConfiguration();
  }

  @BeforeEach
  void layout() throws IOException {
    Files.createDirectories(repo.resolve(".git"));
    tests = repo.resolve("test/visual");
    out = repo.resolve("target/imagestore");
  }
}
