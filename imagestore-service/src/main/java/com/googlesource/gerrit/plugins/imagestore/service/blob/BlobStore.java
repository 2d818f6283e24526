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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where image bytes live, keyed by the SHA-256 of their content, so the same bytes are stored once.
 *
 * <p>Keys are content hashes: two writers of one key write the same bytes, so concurrent writers
 * need no preconditions or locks. Every implementation must make a write atomic (a reader sees all
 * the bytes of a key or none) and durable before {@link #put} returns (it survives a crash of the
 * process and, where the medium allows, a power loss): the caller records the blob in the database
 * only after that.
 */
public interface BlobStore {
  /** Whether bytes are stored under {@code sha256}. */
  boolean exists(String sha256) throws IOException;

  /**
   * Stores the bytes of {@code file} under {@code sha256}, which the caller has computed from it.
   * Storing a key that exists already is a no-op. The file is left in place.
   */
  void put(String sha256, Path file) throws IOException;

  /** Opens the bytes stored under {@code sha256} for streaming, or empty when there are none. */
  Optional<InputStream> open(String sha256) throws IOException;

  /**
   * The {@code size} bytes stored under {@code sha256} as one read-only buffer outside the Java
   * heap, or empty when there are none; for blobs small enough to hold. The default streams them
   * from {@link #open} straight into the buffer, so they are never held twice.
   *
   * @throws IOException also when the stored bytes are not {@code size} long
   */
  default Optional<ByteBuffer> read(String sha256, long size) throws IOException {
    Optional<InputStream> opened = open(sha256);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    if (size > Integer.MAX_VALUE) {
      throw new IOException("blob " + sha256 + " is too large to hold: " + size + " bytes");
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) size);
    try (ReadableByteChannel in = Channels.newChannel(opened.get())) {
      while (buffer.hasRemaining() && in.read(buffer) >= 0) {
        // read on
      }
      if (buffer.hasRemaining() || in.read(ByteBuffer.allocate(1)) >= 0) {
        throw new IOException("blob " + sha256 + " is not " + size + " bytes long");
      }
    }
    return Optional.of(buffer.flip().asReadOnlyBuffer());
  }

  /** Removes the bytes under {@code sha256}; false when there were none. */
  boolean delete(String sha256) throws IOException;

  /** A stored blob, as {@link #list} sees it. */
  record StoredBlob(String sha256, long size, Instant lastModified) {}

  /**
   * Calls {@code visitor} for every stored blob whose key starts with {@code prefix} (lowercase
   * hex, possibly empty), in no particular order; for the consistency check, which walks a large
   * store one slice at a time. Files or objects that are not blobs (no SHA-256 name) are skipped.
   */
  void list(String prefix, Consumer<StoredBlob> visitor) throws IOException;

  /** A short description for logs and the health endpoint, never containing secrets. */
  String describe();
}
