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

package com.googlesource.gerrit.plugins.imagestore.service.blob.cache;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreContract;
import com.googlesource.gerrit.plugins.imagestore.service.blob.local.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cache in front of the local store: the whole contract, and what caching adds. */
class CachingBlobStoreTest extends BlobStoreContract {
  private static final int KIB = 1024;

  private LocalBlobStore backend;

  @Override
  protected BlobStore newStore() throws Exception {
    return cache(1024 * KIB, 512 * KIB);
  }

  private CachingBlobStore cache(long maxBytes, long maxEntryBytes) throws Exception {
    backend = new LocalBlobStore(Files.createTempDirectory(tmp, "store"));
    return new CachingBlobStore(backend, maxBytes, maxEntryBytes);
  }

  private String put(BlobStore store, byte[] content) throws Exception {
    Path source = Files.createTempFile(tmp, "src", ".bin");
    Files.write(source, content);
    String sha = ImageId.sha256Hex(content);
    store.put(sha, source);
    return sha;
  }

  private static byte[] random(int size, int seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aSecondReadIsAnsweredFromMemory() throws Exception {
    CachingBlobStore cache = cache(1024 * KIB, 512 * KIB);
    byte[] content = random(100 * KIB, 1);
    String sha = put(cache, content);

    assertThat(bytes(cache.read(sha, content.length).orElseThrow())).isEqualTo(content);
    assertThat(cache.misses()).isEqualTo(1);
    // The bytes are gone from the backend behind the cache's back (another replica's delete):
    // the cache still answers, which is safe because the bytes of a key never change.
    assertThat(backend.delete(sha)).isTrue();
    assertThat(bytes(cache.read(sha, content.length).orElseThrow())).isEqualTo(content);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.heldBytes()).isEqualTo(content.length);
  }

  @Test
  void deletingDropsTheEntry() throws Exception {
    CachingBlobStore cache = cache(1024 * KIB, 512 * KIB);
    byte[] content = random(10 * KIB, 2);
    String sha = put(cache, content);
    assertThat(cache.read(sha, content.length)).isPresent();

    assertThat(cache.delete(sha)).isTrue();
    assertThat(cache.heldBytes()).isEqualTo(0);
    assertThat(cache.read(sha, content.length)).isEmpty();
  }

  @Test
  void missingBytesAreNotRemembered() throws Exception {
    CachingBlobStore cache = cache(1024 * KIB, 512 * KIB);
    byte[] content = random(10 * KIB, 3);
    String sha = ImageId.sha256Hex(content);
    assertThat(cache.read(sha, content.length)).isEmpty();

    put(cache, content);
    assertThat(bytes(cache.read(sha, content.length).orElseThrow())).isEqualTo(content);
  }

  @Test
  void staysWithinItsBudgetAndPassesLargeBlobsThrough() throws Exception {
    CachingBlobStore cache = cache(400 * KIB, 200 * KIB);
    for (int i = 0; i < 6; i++) {
      byte[] content = random(150 * KIB, 10 + i);
      String sha = put(cache, content);
      assertThat(bytes(cache.read(sha, content.length).orElseThrow())).isEqualTo(content);
      assertThat(cache.heldBytes()).isAtMost(400 * KIB);
    }
    assertThat(cache.heldBytes()).isGreaterThan(0);

    long held = cache.heldBytes();
    byte[] large = random(300 * KIB, 99);
    String sha = put(cache, large);
    assertThat(bytes(cache.read(sha, large.length).orElseThrow())).isEqualTo(large);
    assertThat(bytes(cache.read(sha, large.length).orElseThrow())).isEqualTo(large);
    assertThat(cache.heldBytes()).isEqualTo(held);
  }

  @Test
  void manySmallBlobsCountWhatEachEntryCostsBesideItsBytes() throws Exception {
    long budget = 64 * KIB;
    CachingBlobStore cache = cache(budget, budget);
    for (int i = 0; i < 1000; i++) {
      byte[] content = random(100, 1000 + i);
      String sha = put(cache, content);
      assertThat(cache.read(sha, content.length)).isPresent();
    }
    // Their bytes alone (100 each) would let 655 stay; with each entry's bookkeeping, ~110.
    assertThat(cache.entries()).isGreaterThan(0L);
    assertThat(cache.entries() * (100 + CachingBlobStore.ENTRY_OVERHEAD_BYTES)).isAtMost(budget);
  }
}
