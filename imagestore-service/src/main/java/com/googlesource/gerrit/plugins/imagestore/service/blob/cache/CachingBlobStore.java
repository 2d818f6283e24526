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

import com.google.common.base.Throwables;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.UncheckedExecutionException;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.ForwardingBlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Keeps the buffers {@link BlobStore#read} returned for recently served blobs, up to a budget of
 * bytes, so a hot image costs no disk read or bucket round trip.
 *
 * <p>Keys are content hashes, so an entry can never be stale: the bytes of a key never change. It
 * is dropped on {@link #delete} to give the memory back; another replica's delete leaves an entry
 * here, which is harmless because every download first looks its id up in the shared database.
 * Buffers are read-only and handed out as independent views, so concurrent readers never share a
 * position.
 */
public final class CachingBlobStore extends ForwardingBlobStore {
  /**
   * What an entry costs beside its bytes, counted against the budget: the buffer's objects, its
   * cleaner, the cache's entry and the key on the heap (~400 bytes measured, rounded up). Without
   * it a budget of small blobs held entries by the million: 256 MiB of 100-byte images would have
   * kept 2.7 million entries, a gigabyte of heap outside the budget.
   */
  static final int ENTRY_OVERHEAD_BYTES = 512;

  private final long maxEntryBytes;
  private final Cache<String, ByteBuffer> buffers;

  /**
   * @param maxBytes the budget: the sum of the cached blobs' sizes and of {@link
   *     #ENTRY_OVERHEAD_BYTES} per entry
   * @param maxEntryBytes larger blobs are read through, never kept
   */
  public CachingBlobStore(BlobStore store, long maxBytes, long maxEntryBytes) {
    super(store);
    this.maxEntryBytes = Math.min(maxEntryBytes, maxBytes);
    this.buffers =
        CacheBuilder.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String key, ByteBuffer b) -> b.capacity() + ENTRY_OVERHEAD_BYTES)
            // One segment per core is plenty, and keeps eviction close to the budget.
            .concurrencyLevel(Math.max(1, Runtime.getRuntime().availableProcessors()))
            .recordStats()
            .build();
  }

  @Override
  public Optional<ByteBuffer> read(String sha256, long size) throws IOException {
    if (size > maxEntryBytes) {
      return store.read(sha256, size);
    }
    try {
      // One read per key even when many requests miss at once.
      ByteBuffer cached =
          buffers.get(sha256, () -> store.read(sha256, size).orElseThrow(Absent::new));
      if (cached.capacity() != size) {
        throw new IOException("blob " + sha256 + " is not " + size + " bytes long");
      }
      return Optional.of(cached.duplicate());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Absent) {
        return Optional.empty();
      }
      Throwables.throwIfInstanceOf(e.getCause(), IOException.class);
      throw new IOException(e.getCause());
    } catch (UncheckedExecutionException e) {
      Throwables.throwIfUnchecked(e.getCause());
      throw e;
    }
  }

  /** Missing bytes are an answer, not an entry. */
  private static final class Absent extends Exception {
    private static final long serialVersionUID = 1L;

    Absent() {
      super(null, null, false, false);
    }
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    buffers.invalidate(sha256);
    return store.delete(sha256);
  }

  /** Reads answered from the cache. */
  public long hits() {
    return buffers.stats().hitCount();
  }

  /** Reads of blobs small enough to keep that went to the store. */
  public long misses() {
    return buffers.stats().missCount();
  }

  /** How many blobs are held now. */
  public long entries() {
    return buffers.size();
  }

  /** The bytes held now (the blobs' own, without {@link #ENTRY_OVERHEAD_BYTES}). */
  public long heldBytes() {
    return buffers.asMap().values().stream().mapToLong(ByteBuffer::capacity).sum();
  }
}
