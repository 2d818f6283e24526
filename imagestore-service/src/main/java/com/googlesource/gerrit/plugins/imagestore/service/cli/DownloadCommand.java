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

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code download UUID|FILE.lnk}: fetches an image. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = "Download an image, named by its uuid or by a .lnk file.")
final class DownloadCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "UUID|FILE.lnk")
  String image;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Where to write it (default: <uuid>.png, or the .lnk's name without .lnk).")
  Path output;

  @Override
  public Integer call() {
    try (ImagestoreClient c = client.connect()) {
      ImageId id;
      Path target = output;
      if (ImageId.isValid(image)) {
        id = ImageId.of(image);
        if (target == null) {
          target = Path.of(id + ".png");
        }
      } else {
        Path lnk = Path.of(image);
        if (!Files.isRegularFile(lnk)) {
          System.err.println("imagestore: " + image + " is neither an image id nor a .lnk file");
          return 2;
        }
        id = LnkFile.parse(Files.readAllBytes(lnk));
        if (target == null) {
          String name = lnk.getFileName().toString();
          target =
              lnk.resolveSibling(
                  name.endsWith(".lnk") ? name.substring(0, name.length() - 4) : name + ".png");
        }
      }
      if (!c.download(id, target)) {
        System.err.println("imagestore: the service has no image " + id);
        return 1;
      }
      System.out.println(id + " " + target);
      return 0;
    } catch (LnkFile.MalformedLnkException e) {
      System.err.println("imagestore: " + image + ": " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("imagestore: " + e.getMessage());
      return 1;
    }
  }
}
