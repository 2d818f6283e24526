package com.googlesource.gerrit.plugins.imagestore.service.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where image bytes live, keyed by the SHA-256 of their content, so the same bytes are stored once.
 *
 * <p>Keys are content hashes: two writers of one key write the same bytes, so concurrent writers
 * need no preconditions or locks. Every implementation must make a write atomic: a reader sees all
 * the bytes of a key or none.
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

  /** Removes the bytes under {@code sha256}; false when there were none. */
  boolean delete(String sha256) throws IOException;

  /** A short description for logs and the health endpoint, never containing secrets. */
  String describe();
}
