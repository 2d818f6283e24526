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

package com.googlesource.gerrit.plugins.imagestore.service.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Flushes files and directory entries to disk: what makes a write survive a power loss. */
public final class FileSync {
  /** Where directories cannot be opened to be flushed (not Linux), they are not. */
  private static final boolean DIRECTORY_SYNC_UNSUPPORTED =
      !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

  private FileSync() {}

  /** Flushes a file's bytes and metadata. */
  public static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /**
   * Flushes a directory's entries (a file created, linked, renamed into or out of it). Linux allows
   * opening a directory for reading and fsyncing it; where that is refused there is no portable
   * way.
   */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!DIRECTORY_SYNC_UNSUPPORTED) {
        throw e;
      }
    }
  }
}
