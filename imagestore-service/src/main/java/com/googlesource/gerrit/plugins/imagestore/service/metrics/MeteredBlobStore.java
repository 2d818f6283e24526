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

package com.googlesource.gerrit.plugins.imagestore.service.metrics;

import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** A blob store that counts its failures and the bytes written, for any backend. */
public final class MeteredBlobStore implements BlobStore {
  private final BlobStore store;
  private final ServiceMetrics metrics;

  public MeteredBlobStore(BlobStore store, ServiceMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  @FunctionalInterface
  private interface Operation<T> {
    T run() throws IOException;
  }

  private <T> T metered(String name, Operation<T> operation) throws IOException {
    try {
      return operation.run();
    } catch (IOException | RuntimeException e) {
      metrics.storeError(name);
      throw e;
    }
  }

  @Override
  public boolean exists(String sha256) throws IOException {
    return metered("exists", () -> store.exists(sha256));
  }

  @Override
  public void put(String sha256, Path file) throws IOException {
    metered(
        "put",
        () -> {
          store.put(sha256, file);
          return null;
        });
    metrics.stored(Files.size(file));
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    return metered("open", () -> store.open(sha256));
  }

  @Override
  public Optional<ByteBuffer> read(String sha256, long size) throws IOException {
    return metered("read", () -> store.read(sha256, size));
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return metered("delete", () -> store.delete(sha256));
  }

  @Override
  public void list(String prefix, Consumer<StoredBlob> visitor) throws IOException {
    metered(
        "list",
        () -> {
          store.list(prefix, visitor);
          return null;
        });
  }

  @Override
  public String describe() {
    return store.describe();
  }
}
