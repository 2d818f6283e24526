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

import com.google.common.flogger.FluentLogger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A directory of this process's own for files being received (uploads, multipart parts, diff
 * pictures), under a base that several processes may share (replicas on one blob directory).
 *
 * <p>Each process holds an OS lock on {@code .lock} in its directory for as long as it runs; the
 * lock goes with the process, however it ends. A directory whose lock can be taken belongs to a
 * process that is gone (crashed, killed): whatever it holds was never acknowledged, and the next
 * process to start (or {@code fsck --repair}) removes it. Loose files directly in the base (older
 * versions spooled there) are removed once they are older than {@link #LOOSE_FILE_AGE}.
 */
public final class SpoolDirectory implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private static final String PREFIX = "p-";
  private static final String LOCK = ".lock";

  /** Loose files in the base older than this belong to no running upload. */
  public static final Duration LOOSE_FILE_AGE = Duration.ofHours(1);

  /**
   * A directory whose lock is free is taken only when it is at least this old: a process that is
   * starting has made its directory but may not hold the lock yet.
   */
  static final Duration STARTING_AGE = Duration.ofSeconds(2);

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private SpoolDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Removes what dead processes left under {@code base}, then makes and locks a directory. */
  public static SpoolDirectory open(Path base) throws IOException {
    return open(base, true);
  }

  /**
   * Makes and locks a directory under {@code base}, first removing what dead processes left there
   * when {@code cleanStale} (a check that only reports leaves it for its report).
   */
  public static SpoolDirectory open(Path base, boolean cleanStale) throws IOException {
    Files.createDirectories(base);
    List<Path> stale = cleanStale ? stale(base, Instant.now()) : List.of();
    for (Path p : stale) {
      remove(p);
    }
    if (!stale.isEmpty()) {
      logger.atInfo().log(
          "removed %d spool leftovers of stopped processes in %s", stale.size(), base);
    }
    Path dir =
        base.resolve(PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    Files.createDirectories(dir);
    FileChannel channel =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      return new SpoolDirectory(dir, channel, channel.lock());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * What under {@code base} belongs to no running process: directories whose lock is free, and
   * loose files older than {@link #LOOSE_FILE_AGE}. Taking a lock to look is released at once.
   */
  public static List<Path> stale(Path base, Instant now) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p)) {
          if (name.startsWith(PREFIX) && isOlder(p, now.minus(STARTING_AGE)) && !inUse(p)) {
            out.add(p);
          }
        } else if (isOlder(p, now.minus(LOOSE_FILE_AGE))) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static boolean isOlder(Path p, Instant limit) {
    try {
      FileTime modified = Files.getLastModifiedTime(p);
      return modified.toInstant().isBefore(limit);
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }

  /** Whether a running process holds the lock of spool directory {@code dir}. */
  private static boolean inUse(Path dir) {
    Path lockFile = dir.resolve(LOCK);
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock probe = ch.tryLock();
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // held by this very process (another store opened on the same base)
    } catch (NoSuchFileException e) {
      return false; // its process died before it made its lock
    } catch (IOException e) {
      return true;
    }
  }

  /** Deletes a file or a directory tree; what vanished meanwhile is fine. */
  public static void remove(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      Files.deleteIfExists(p);
      return;
    }
    try (Stream<Path> tree = Files.walk(p)) {
      tree.sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (NoSuchFileException e) {
      // removed meanwhile
    }
  }

  public Path path() {
    return dir;
  }

  /** Releases the lock and removes the directory with whatever is still in it. */
  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
      remove(dir);
    } catch (IOException e) {
      logger.atWarning().withCause(e).log("removing the spool directory %s failed", dir);
    }
  }
}
