package com.googlesource.gerrit.plugins.imagestore.service.blob;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
  void concurrentWritersOfOneKeyLeaveOneCompleteBlob() throws Exception {
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
  void describeNamesTheStore() throws Exception {
    assertThat(newStore().describe()).isNotEmpty();
  }
}
