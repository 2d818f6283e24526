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

package com.googlesource.gerrit.plugins.imagestore.queue;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.flogger.FluentLogger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the plugin's files (outbox jobs, {@code state.json}) atomically and durably: the content
 * goes to a temporary file {@code .<name>.tmp} beside the target, which is flushed to disk, renamed
 * over the target, and then the directory is flushed too, so the rename itself survives a power
 * loss. A reader sees the old file or the whole new one, never an empty or partial one.
 */
public final class DurableFiles {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();
  private static final String TEMP_SUFFIX = ".tmp";

  /** Set once a directory could not be flushed, so that the warning is logged once. */
  private static final AtomicBoolean directorySyncFailed = new AtomicBoolean();

  private DurableFiles() {}

  /** Creates or replaces {@code target} with {@code content} (UTF-8), atomically and durably. */
  public static void write(Path target, String content) throws IOException {
    Path tmp = tempOf(target);
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    syncDirectory(target.getParent());
  }

  /** The temporary file {@link #write} uses for {@code target}. */
  public static Path tempOf(Path target) {
    return target.resolveSibling("." + target.getFileName() + TEMP_SUFFIX);
  }

  /**
   * Flushes a directory's entries (a file created, renamed into or out of it) to disk. Linux allows
   * this by opening the directory for reading; where the file system or the platform does not
   * (Windows, some network file systems), the rename stays atomic but not durable against a power
   * loss: that is logged once and otherwise ignored.
   */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (directorySyncFailed.compareAndSet(false, true)) {
        logger.atWarning().withCause(e).log(
            "cannot flush directory %s to disk (%s): the plugin's files survive a crash of Gerrit"
                + " but maybe not a power loss; logged once",
            dir, e);
      }
    }
  }

  /**
   * Deletes the temporary files ({@code .*.tmp}) a crash left in {@code dir}; returns how many.
   * Only for a directory nobody writes to yet (the plugin starting).
   */
  static int deleteStaleTemps(Path dir) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
      for (Path f : s) {
        if (Files.isRegularFile(f) && Files.deleteIfExists(f)) {
          n++;
        }
      }
    }
    if (n > 0) {
      logger.atInfo().log("deleted %d temporary files left by a crash in %s", n, dir);
    }
    return n;
  }
}
