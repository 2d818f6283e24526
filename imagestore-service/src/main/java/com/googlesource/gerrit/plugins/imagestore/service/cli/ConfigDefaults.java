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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values that were not given as flags: first the environment ({@code IMAGESTORE_PORT} for
 * {@code --port}), then the properties file named by {@code --config} or {@code IMAGESTORE_CONFIG}
 * ({@code port=8080}), then the option's own default.
 */
final class ConfigDefaults implements IDefaultValueProvider {
  static final String ENV_PREFIX = "IMAGESTORE_";

  private final Map<String, String> env;
  private final Properties file;

  ConfigDefaults(Map<String, String> env, Properties file) {
    this.env = env;
    this.file = file;
  }

  /** Finds the config file (it must be known before picocli parses the rest). */
  static ConfigDefaults load(String[] args, Map<String, String> env) throws IOException {
    String path = env.get(ENV_PREFIX + "CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        path = args[i].substring("--config=".length());
      }
    }
    Properties props = new Properties();
    if (path != null) {
      Path file = Path.of(path);
      if (!Files.isReadable(file)) {
        throw new IOException("cannot read the config file " + file);
      }
      props = ImagestoreCommand.readProperties(file);
    }
    return new ConfigDefaults(env, props);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String key = option.longestName().substring(2);
    String fromEnv = env.get(envName(key));
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    return file.getProperty(key);
  }

  /** A value that has no flag (secrets): environment first, then the config file. */
  String secret(String key) {
    String fromEnv = env.get(envName(key));
    return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : file.getProperty(key);
  }

  /** A variable of the environment the command runs in (not only {@code IMAGESTORE_*}). */
  Map<String, String> environment() {
    return env;
  }

  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
