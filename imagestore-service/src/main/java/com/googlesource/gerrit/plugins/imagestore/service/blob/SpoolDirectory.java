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
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
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
 *
 * <p>A process may also leave {@link Note}s: names written before the work they announce (flushed
 * to disk when asked), so that a crash in the middle of it leaves a trace. Removing a dead
 * process's directory moves its notes to {@code notes/} under the base first; whoever settles them
 * reads them there ({@link #leftNotes}) and forgets each once settled.
 */
public final class SpoolDirectory implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private static final String PREFIX = "p-";
  private static final String LOCK = ".lock";
  private static final String NOTE_SUFFIX = ".note";

  /** Below the base: the notes of processes that are gone, or that left them there. */
  private static final String LEFT_NOTES = "notes";

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
  private final AtomicLong notes = new AtomicLong();

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
    if (cleanStale) {
      removeAllStale(base);
    }
    Path dir =
        base.resolve(PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    Files.createDirectories(dir);
    FileChannel channel =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      SpoolDirectory spool = new SpoolDirectory(dir, channel, channel.lock());
      HELD.add(dir.toAbsolutePath().normalize());
      return spool;
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

  /**
   * The directories whose locks this process holds. They are never probed: closing any channel of a
   * file releases every lock the process holds on it (POSIX record locks), so probing one's own
   * lock would drop it, and a replica would take the directory for a dead process's.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  /** Whether a running process holds the lock of spool directory {@code dir}. */
  private static boolean inUse(Path dir) {
    if (HELD.contains(dir.toAbsolutePath().normalize())) {
      return true;
    }
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

  /** Removes everything {@link #stale} under {@code base}; returns how much that was. */
  public static int removeAllStale(Path base) throws IOException {
    List<Path> stale = stale(base, Instant.now());
    for (Path p : stale) {
      removeStale(base, p);
    }
    if (!stale.isEmpty()) {
      logger.atInfo().log(
          "removed %d spool leftovers of stopped processes in %s", stale.size(), base);
    }
    return stale.size();
  }

  /**
   * Removes {@code stale} (one of {@link #stale}), after moving the notes in it to the base's
   * {@code notes/}, durably: a note outlives the directory of the process that wrote it.
   */
  public static void removeStale(Path base, Path stale) throws IOException {
    if (Files.isDirectory(stale)) {
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> notes = Files.newDirectoryStream(stale, "*" + NOTE_SUFFIX)) {
        notes.forEach(found::add);
      }
      for (Path note : found) {
        moveToLeftNotes(base, note);
      }
    }
    remove(stale);
  }

  /**
   * A name on disk, announcing work that a crash could cut: if this process dies before the note is
   * {@link #close}d, the next process to start on the base finds it ({@link #leftNotes}).
   */
  public final class Note implements AutoCloseable {
    private final Path file;

    private Note(Path file) {
      this.file = file;
    }

    /**
     * The work is done: the note goes. Not flushed: a note that a crash brings back is settled
     * again, which settling must allow.
     */
    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        logger.atWarning().withCause(e).log("removing the note %s failed", file);
      }
    }

    /**
     * The work failed and this process cannot settle it now: the note moves to the base's {@code
     * notes/}, for whoever settles left notes (the next sweep, the next start).
     */
    public void leave() throws IOException {
      moveToLeftNotes(dir.getParent(), file);
    }
  }

  /**
   * Writes a note named {@code name} (letters, digits, dots, dashes); notes of the same name may
   * coexist. It outlives this process as soon as this returns; with {@code flush} also a power loss
   * (its directory entry is flushed to disk).
   */
  public Note note(String name, boolean flush) throws IOException {
    if (!NOTE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a note name: " + name);
    }
    Path file = dir.resolve(name + "." + notes.incrementAndGet() + NOTE_SUFFIX);
    Files.createFile(file);
    if (flush) {
      FileSync.forceDirectory(dir);
    }
    return new Note(file);
  }

  private static final Pattern NOTE_NAME = Pattern.compile("[A-Za-z0-9.-]{1,200}");

  /**
   * Moves {@code note} into the base's {@code notes/}, durably. That directory goes when it is
   * empty ({@link #removeLeftNotesIfEmpty}), maybe between making it and moving into it: then
   * again.
   */
  private static void moveToLeftNotes(Path base, Path note) throws IOException {
    Path left = base.resolve(LEFT_NOTES);
    for (int attempt = 0; ; attempt++) {
      Files.createDirectories(left);
      try {
        Files.move(note, left.resolve(note.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        break;
      } catch (NoSuchFileException e) {
        if (attempt >= 10 || !Files.exists(note)) {
          throw e;
        }
      }
    }
    FileSync.forceDirectory(left);
  }

  /** Removes the base's {@code notes/} when no note is left in it. */
  public static void removeLeftNotesIfEmpty(Path base) throws IOException {
    try {
      Files.deleteIfExists(base.resolve(LEFT_NOTES));
    } catch (DirectoryNotEmptyException e) {
      // a note was left meanwhile: the next settling takes it
    }
  }

  /** A note that a process left under the base ({@link Note#leave}, or gone with the process). */
  public record LeftNote(Path file, String name) {
    /** Settled: the note goes. */
    public void forget() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  /** Up to {@code limit} of the notes left under {@code base}, in no particular order. */
  public static List<LeftNote> leftNotes(Path base, int limit) throws IOException {
    Path left = base.resolve(LEFT_NOTES);
    List<LeftNote> out = new ArrayList<>();
    if (!Files.isDirectory(left)) {
      return out;
    }
    try (DirectoryStream<Path> notes = Files.newDirectoryStream(left, "*" + NOTE_SUFFIX)) {
      for (Path note : notes) {
        if (out.size() >= limit) {
          break;
        }
        String file = note.getFileName().toString();
        String numbered = file.substring(0, file.length() - NOTE_SUFFIX.length());
        int dot = numbered.lastIndexOf('.');
        out.add(new LeftNote(note, dot < 0 ? numbered : numbered.substring(0, dot)));
      }
    }
    return out;
  }

  /** The base this process's directory is in. */
  public Path base() {
    return dir.getParent();
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
      HELD.remove(dir.toAbsolutePath().normalize());
      lock.release();
      lockChannel.close();
      remove(dir);
    } catch (IOException e) {
      logger.atWarning().withCause(e).log("removing the spool directory %s failed", dir);
    }
  }
}
