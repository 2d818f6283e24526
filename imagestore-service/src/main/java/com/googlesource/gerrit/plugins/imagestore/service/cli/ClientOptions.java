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

import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How the command line tools reach a running service. */
final class ClientOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8080/",
      description = "The image service (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description =
          "Account for writes. Its password comes from IMAGESTORE_PASSWORD, password in the"
              + " config file, or standard input with --password-stdin; never from a flag.")
  String user;

  @Option(names = "--password-stdin", description = "Read the password from standard input.")
  boolean passwordStdin;

  ImagestoreClient connect() throws IOException {
    String password = null;
    if (user != null) {
      if (passwordStdin) {
        password =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      } else if (spec.commandLine().getDefaultValueProvider() instanceof ConfigDefaults d) {
        password = d.secret("password");
      }
      if (password == null) {
        throw new IOException(
            "no password for " + user + ": set IMAGESTORE_PASSWORD or use --password-stdin");
      }
    }
    return new ImagestoreClient(url, user, password);
  }
}
