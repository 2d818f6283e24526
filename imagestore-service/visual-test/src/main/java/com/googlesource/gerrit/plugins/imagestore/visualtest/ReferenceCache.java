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

package com.googlesource.gerrit.plugins.imagestore.visualtest;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Reference images on local disk, keyed by id: {@code <dir>/<first two hex digits>/<id>.png}. An
 * image is immutable under its id, so an entry never goes stale; it is checked against its content
 * hash on every read, and a damaged entry is fetched again. Ids are content-derived (the first 128
 * bits of the SHA-256), so the bytes alone prove them; an id that is not (an image stored under a
 * chosen id) keeps the SHA-256 the service reports (its download's ETag) beside it, in {@code
 * <id>.sha256}. Safe for concurrent use, also by several processes: files appear by atomic rename.
 */
public final class ReferenceCache {
  private final Path dir;
  private final ImagestoreClient client;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger downloads = new AtomicInteger();

  public ReferenceCache(Path dir, ImagestoreClient client) {
    this.dir = dir;
    this.client = client;
  }

  /** {@code $XDG_CACHE_HOME/imagestore}, else {@code ~/.cache/imagestore}. */
  public static Path defaultDir(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      return Path.of(xdg, "imagestore");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "imagestore");
  }

  public Path dir() {
    return dir;
  }

  /** References served from disk so far. */
  public int hits() {
    return hits.get();
  }

  /** References fetched from the service so far. */
  public int downloads() {
    return downloads.get();
  }

  Path file(ImageId id) {
    return dir.resolve(id.value().substring(0, 2)).resolve(id.value() + ".png");
  }

  private Path sha256File(ImageId id) {
    return dir.resolve(id.value().substring(0, 2)).resolve(id.value() + ".sha256");
  }

  /** The image's bytes, from disk or else from the service; empty when the service lacks it. */
  public Optional<byte[]> get(ImageId id) throws IOException {
    Path file = file(id);
    byte[] cached = readIfPresent(file);
    if (cached != null && verified(id, cached)) {
      hits.incrementAndGet();
      return Optional.of(cached);
    }
    Files.createDirectories(file.getParent());
    if (!client.download(id, file)) {
      return Optional.empty();
    }
    downloads.incrementAndGet();
    byte[] bytes = Files.readAllBytes(file);
    if (!ImageId.forContent(bytes).equals(id)) {
      // Not a content-derived id: the service's own hash of the image must vouch for the bytes.
      String sha256 = ImageId.sha256Hex(bytes);
      if (!sha256.equals(serviceSha256(id))) {
        Files.deleteIfExists(file);
        throw new IOException(
            "the service sent bytes for " + id + " that do not match its SHA-256");
      }
      AtomicFiles.write(sha256File(id), sha256.getBytes(StandardCharsets.US_ASCII));
    }
    return Optional.of(bytes);
  }

  /**
   * The SHA-256 the service holds for an image: the {@code ETag} of its public download, which
   * needs no account (its {@code /info} does, unless the service runs with {@code
   * --public-metadata}); the info when the ETag says nothing.
   */
  private String serviceSha256(ImageId id) throws IOException {
    HttpRequest head =
        HttpRequest.newBuilder(client.imageUrl(id))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(60))
            .build();
    try {
      HttpResponse<Void> r = HEADS.send(head, HttpResponse.BodyHandlers.discarding());
      String etag = r.headers().firstValue("ETag").orElse("");
      if (r.statusCode() == 200 && SHA256_ETAG.matcher(etag).matches()) {
        return etag.substring(1, etag.length() - 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking for " + id, e);
    }
    return client.info(id).map(i -> i.sha256).orElse(null);
  }

  private static final Pattern SHA256_ETAG = Pattern.compile("^\"[0-9a-f]{64}\"$");

  /** For the HEADs of {@link #serviceSha256}: no credentials, no redirects followed. */
  private static final HttpClient HEADS =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  private boolean verified(ImageId id, byte[] bytes) throws IOException {
    if (ImageId.forContent(bytes).equals(id)) {
      return true;
    }
    byte[] expected = readIfPresent(sha256File(id));
    return expected != null
        && new String(expected, StandardCharsets.US_ASCII).strip().equals(ImageId.sha256Hex(bytes));
  }

  private static byte[] readIfPresent(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
