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
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient.Upload;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upload FILE.png…}: stores PNGs under their content-derived ids. */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description =
        "Upload PNG files; prints '<uuid> <file>' per file. Uploading the same bytes again is"
            + " harmless.")
final class UploadCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(
      names = "--write-lnk",
      description = "Also write <file>.lnk (uuid=<id>) beside each file, as UIVeri5 does.")
  boolean writeLnk;

  @Parameters(arity = "1..*", paramLabel = "FILE")
  List<Path> files;

  @Override
  public Integer call() {
    int failures = 0;
    try (ImagestoreClient c = client.connect()) {
      for (Path file : files) {
        try {
          Upload up = c.upload(file, null);
          if (writeLnk) {
            Files.writeString(
                file.resolveSibling(file.getFileName() + ".lnk"),
                LnkFile.format(up.id()),
                StandardCharsets.UTF_8);
          }
          System.out.println(up.id() + " " + file + (up.created() ? "" : " (already stored)"));
        } catch (IOException e) {
          failures++;
          System.err.println("imagestore: " + file + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      System.err.println("imagestore: " + e.getMessage());
      return 2;
    }
    return failures == 0 ? 0 : 1;
  }
}
