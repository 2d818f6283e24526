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
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** A blob store that passes every call to another; decorators override what they change. */
public abstract class ForwardingBlobStore implements BlobStore {
  protected final BlobStore store;

  protected ForwardingBlobStore(BlobStore store) {
    this.store = store;
  }

  @Override
  public boolean exists(String sha256) throws IOException {
    return store.exists(sha256);
  }

  @Override
  public void put(String sha256, Path file) throws IOException {
    store.put(sha256, file);
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    return store.open(sha256);
  }

  @Override
  public Optional<ByteBuffer> read(String sha256, long size) throws IOException {
    return store.read(sha256, size);
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return store.delete(sha256);
  }

  @Override
  public void list(String prefix, Consumer<StoredBlob> visitor) throws IOException {
    store.list(prefix, visitor);
  }

  @Override
  public String describe() {
    return store.describe();
  }
}
