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

package com.googlesource.gerrit.plugins.imagestore.client.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where configuration files come from: a directory on disk (the workflow), a git tree (the plugin).
 */
@FunctionalInterface
public interface FileSource {
  /**
   * The content of {@value ComparisonConfig#FILE_NAME} in {@code directory}, at most {@link
   * ComparisonConfig#MAX_BYTES}{@code + 1} bytes of it (so a larger file is recognised without
   * reading it whole); empty when there is none.
   *
   * @param directory relative to the root, {@code /}-separated, {@code ""} for the root itself
   * @throws InvalidConfigException when there is something by that name that is no file
   * @throws IOException when it cannot be read
   */
  Optional<byte[]> read(String directory) throws IOException, InvalidConfigException;

  /** The files below {@code root} on disk. */
  static FileSource directory(Path root) {
    return directory -> {
      Path dir = directory.isEmpty() ? root : root.resolve(directory);
      Path file = dir.resolve(ComparisonConfig.FILE_NAME);
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      if (!Files.isRegularFile(file)) {
        throw new InvalidConfigException(ComparisonConfig.pathIn(directory), "not a regular file");
      }
      try (InputStream in = Files.newInputStream(file)) {
        return Optional.of(in.readNBytes(ComparisonConfig.MAX_BYTES + 1));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    };
  }
}
