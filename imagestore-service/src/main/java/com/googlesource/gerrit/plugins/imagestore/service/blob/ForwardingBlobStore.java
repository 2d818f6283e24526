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
