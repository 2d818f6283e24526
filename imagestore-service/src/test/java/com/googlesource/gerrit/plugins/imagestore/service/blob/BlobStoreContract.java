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

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link BlobStore} must do. Each implementation's test extends this class and says how
 * to make a fresh, empty store.
 */
public abstract class BlobStoreContract {
  @TempDir protected Path tmp;

  protected abstract BlobStore newStore() throws Exception;

  private Path file(String content) throws Exception {
    Path f = Files.createTempFile(tmp, "blob", ".bin");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private static String sha(String content) {
    return ImageId.sha256Hex(content.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(BlobStore store, String sha) throws Exception {
    Optional<InputStream> in = store.open(sha);
    assertThat(in).isPresent();
    try (InputStream s = in.get()) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void storesReadsAndDeletesByContentHash() throws Exception {
    BlobStore store = newStore();
    String sha = sha("hello");
    assertThat(store.exists(sha)).isFalse();
    assertThat(store.open(sha)).isEmpty();

    Path source = file("hello");
    store.put(sha, source);
    assertThat(store.exists(sha)).isTrue();
    assertThat(read(store, sha)).isEqualTo("hello");
    assertThat(Files.exists(source)).isTrue();

    assertThat(store.delete(sha)).isTrue();
    assertThat(store.exists(sha)).isFalse();
    assertThat(store.open(sha)).isEmpty();
    assertThat(store.delete(sha)).isFalse();
  }

  @Test
  void putOfAnExistingKeyIsANoOp() throws Exception {
    BlobStore store = newStore();
    String sha = sha("same");
    store.put(sha, file("same"));
    store.put(sha, file("same"));
    assertThat(read(store, sha)).isEqualTo("same");
  }

  @Test
  protected void concurrentWritersOfOneKeyLeaveOneCompleteBlob() throws Exception {
    BlobStore store = newStore();
    String content = "x".repeat(256 * 1024);
    String sha = sha(content);
    Path source = file(content);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        writes.add(
            pool.submit(
                () -> {
                  store.put(sha, source);
                  return null;
                }));
      }
      for (Future<?> w : writes) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(read(store, sha)).isEqualTo(content);
  }

  @Test
  void streamsBlobsLargerThanAnyTransferChunk() throws Exception {
    BlobStore store = newStore();
    byte[] content = new byte[5 * 1024 * 1024 + 12345];
    new Random(7).nextBytes(content);
    Path source = Files.createTempFile(tmp, "big", ".bin");
    Files.write(source, content);
    String sha = ImageId.sha256Hex(content);
    store.put(sha, source);
    try (InputStream in = store.open(sha).orElseThrow()) {
      assertThat(ImageId.sha256Hex(in.readAllBytes())).isEqualTo(sha);
    }
  }

  @Test
  void emptyBlobIsStoredAndRead() throws Exception {
    BlobStore store = newStore();
    String sha = sha("");
    store.put(sha, file(""));
    assertThat(store.exists(sha)).isTrue();
    assertThat(read(store, sha)).isEmpty();
  }

  /** Small and large blobs: a store may read them differently (the local one maps large ones). */
  @Test
  void readsAWholeBlobIntoOneReadOnlyBuffer() throws Exception {
    BlobStore store = newStore();
    for (int size : new int[] {300 * 1024 + 7, 1536 * 1024 + 7}) {
      byte[] content = new byte[size];
      new Random(size).nextBytes(content);
      Path source = Files.createTempFile(tmp, "whole", ".bin");
      Files.write(source, content);
      String sha = ImageId.sha256Hex(content);
      assertThat(store.read(sha, size)).isEmpty();

      store.put(sha, source);
      ByteBuffer first = store.read(sha, size).orElseThrow();
      assertThat(first.isReadOnly()).isTrue();
      assertThat(bytes(first)).isEqualTo(content);
      // Each read is a view of its own: consuming one leaves the next untouched.
      assertThat(bytes(store.read(sha, size).orElseThrow())).isEqualTo(content);
      assertThrows(IOException.class, () -> store.read(sha, size - 1));
      assertThrows(IOException.class, () -> store.read(sha, size + 1));

      assertThat(store.delete(sha)).isTrue();
      assertThat(store.read(sha, size)).isEmpty();
    }
    assertThat(bytes(store.read(sha(""), 0).orElse(ByteBuffer.allocate(0)))).isEmpty();
  }

  @Test
  void readingWithTheWrongSizeFails() throws Exception {
    BlobStore store = newStore();
    String sha = sha("sized");
    store.put(sha, file("sized"));
    assertThrows(IOException.class, () -> store.read(sha, 4));
    assertThrows(IOException.class, () -> store.read(sha, 6));
    assertThat(bytes(store.read(sha, 5).orElseThrow()))
        .isEqualTo("sized".getBytes(StandardCharsets.UTF_8));
  }

  /** What is left in {@code buffer}, consumed. */
  protected static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Test
  void keysAreIndependent() throws Exception {
    BlobStore store = newStore();
    store.put(sha("a"), file("a"));
    store.put(sha("b"), file("b"));
    assertThat(store.delete(sha("a"))).isTrue();
    assertThat(store.exists(sha("a"))).isFalse();
    assertThat(read(store, sha("b"))).isEqualTo("b");
  }

  @Test
  void rejectsKeysThatAreNotSha256() throws Exception {
    BlobStore store = newStore();
    for (String bad : List.of("../etc/passwd", "ABC", "", "a".repeat(63), "g".repeat(64))) {
      assertThrows(IllegalArgumentException.class, () -> store.exists(bad));
      assertThrows(IllegalArgumentException.class, () -> store.open(bad));
      assertThrows(IllegalArgumentException.class, () -> store.read(bad, 1));
    }
  }

  @Test
  protected void readersDuringConcurrentWritesSeeAllOrNothing() throws Exception {
    BlobStore store = newStore();
    byte[] content = new byte[3 * 1024 * 1024];
    new Random(11).nextBytes(content);
    Path source = Files.createTempFile(tmp, "atomic", ".bin");
    Files.write(source, content);
    String sha = ImageId.sha256Hex(content);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        work.add(
            pool.submit(
                () -> {
                  store.put(sha, source);
                  return null;
                }));
      }
      work.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  Optional<InputStream> in = store.open(sha);
                  if (in.isPresent()) {
                    try (InputStream s = in.get()) {
                      assertThat(ImageId.sha256Hex(s.readAllBytes())).isEqualTo(sha);
                    }
                  }
                }
                return null;
              }));
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.exists(sha)).isTrue();
  }

  @Test
  void describeNamesTheStore() throws Exception {
    assertThat(newStore().describe()).isNotEmpty();
  }
}
