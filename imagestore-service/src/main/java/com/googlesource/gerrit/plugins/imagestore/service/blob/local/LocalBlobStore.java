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

package com.googlesource.gerrit.plugins.imagestore.service.blob.local;

import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.FileSync;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Blobs as files on local disk: {@code <root>/ab/cd/abcd…}. A write goes to a temporary file below
 * {@code <root>/.tmp}, is linked (or renamed) into place atomically, so a crash never leaves a
 * partial blob visible, and the file and every directory that got a new entry are flushed to disk
 * before {@link #put} returns, so a power loss does not lose it either.
 */
public class LocalBlobStore implements BlobStore {
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
  private static final Pattern HEX_PREFIX = Pattern.compile("^[0-9a-f]{0,64}$");

  /** Blobs at least this large are mapped by {@link #read} rather than read. */
  static final long MAP_FROM_BYTES = 1024 * 1024;

  private final Path root;
  private final Path tmp;

  public LocalBlobStore(Path root) throws IOException {
    this.root = root.toAbsolutePath();
    this.tmp = this.root.resolve(".tmp");
    Files.createDirectories(tmp);
  }

  /** The directory uploads may be spooled to: on the same file system, so a move is a rename. */
  public Path tmpDir() {
    return tmp;
  }

  private Path pathOf(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  @Override
  public boolean exists(String sha256) {
    return Files.isRegularFile(pathOf(sha256));
  }

  @Override
  public void put(String sha256, Path file) throws IOException {
    Path target = pathOf(sha256);
    if (!Files.isRegularFile(target)) {
      createDirectories(target.getParent());
      if (!linkIntoPlace(file, target)) {
        copyIntoPlace(file, target);
      }
    }
    // Also when the blob was there already: it may be another upload's, renamed into place but not
    // yet flushed by it. Flushing what is durable already costs next to nothing.
    FileSync.force(target);
    FileSync.forceDirectory(target.getParent());
  }

  /**
   * Creates {@code ab/cd} below the root, flushing each directory that gets a new entry, so a blob
   * renamed into a new directory is not lost with the directory at a power loss.
   */
  private void createDirectories(Path dir) throws IOException {
    Path parent = dir.getParent();
    if (Files.isDirectory(dir)) {
      return;
    }
    if (!parent.equals(root)) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      // made by a concurrent writer, which flushes the parent too; so do we, below
    }
    FileSync.forceDirectory(parent);
  }

  /**
   * Stores a file spooled below {@link #tmpDir} without copying it: hard-linked into place, which
   * is atomic and leaves the file where it was. The caller only ever deletes its own name for it,
   * never rewrites it, so the blob's bytes cannot change. False when the file lives elsewhere or
   * the file system has no hard links: then it is copied.
   */
  private boolean linkIntoPlace(Path file, Path target) throws IOException {
    if (!file.toAbsolutePath().normalize().startsWith(tmp)) {
      return false;
    }
    try {
      Files.createLink(target, file);
    } catch (FileAlreadyExistsException e) {
      // A concurrent writer stored the same content first.
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (FileSystemException e) {
      return Files.isRegularFile(target); // else e.g. EPERM or EXDEV: fall back to a copy
    }
    return true;
  }

  /** Copies {@code file} aside, flushes it and renames it into place. */
  private void copyIntoPlace(Path file, Path target) throws IOException {
    Path staged =
        Files.createTempFile(tmp, target.getFileName().toString().substring(0, 8) + "-", ".blob");
    try {
      Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
      FileSync.force(staged);
      try {
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // A concurrent writer stored the same content first.
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the blob directory " + root + " does not support atomic renames", e);
      }
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    try {
      return Optional.of(Files.newInputStream(pathOf(sha256)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Maps files of {@link #MAP_FROM_BYTES} or more: their bytes stay in the page cache, shared with
   * every reader, never copied in. Smaller ones are read into a buffer: a process may hold only so
   * many mappings (vm.max_map_count), and a cache full of small images would need one each.
   */
  @Override
  public Optional<ByteBuffer> read(String sha256, long size) throws IOException {
    if (size < MAP_FROM_BYTES) {
      return BlobStore.super.read(sha256, size);
    }
    try (FileChannel ch = FileChannel.open(pathOf(sha256), StandardOpenOption.READ)) {
      if (ch.size() != size) {
        throw new IOException("blob " + sha256 + " is not " + size + " bytes long");
      }
      // Blob files are immutable (written aside, renamed into place), so the mapping never sees
      // them change; a deleted file stays readable until the mapping is dropped.
      return Optional.of(ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return Files.deleteIfExists(pathOf(sha256));
  }

  @Override
  public void list(String prefix, Consumer<StoredBlob> visitor) throws IOException {
    if (!HEX_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("not a hex prefix: " + prefix);
    }
    // Blobs live two directory levels down (ab/cd/abcd…): walk only the part the prefix selects.
    Path start = root;
    if (prefix.length() >= 2) {
      start = start.resolve(prefix.substring(0, 2));
    }
    if (prefix.length() >= 4) {
      start = start.resolve(prefix.substring(2, 4));
    }
    if (!Files.isDirectory(start)) {
      return;
    }
    try (Stream<Path> files = Files.walk(start, start.equals(root) ? 3 : 2)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!name.startsWith(prefix)
            || !SHA256.matcher(name).matches()
            || !f.equals(pathOf(name))) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(f, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // deleted meanwhile
        }
        if (attrs.isRegularFile()) {
          visitor.accept(new StoredBlob(name, attrs.size(), attrs.lastModifiedTime().toInstant()));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public String describe() {
    return "local disk " + root;
  }
}
