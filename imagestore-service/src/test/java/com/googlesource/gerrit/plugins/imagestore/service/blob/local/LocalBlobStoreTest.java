package com.googlesource.gerrit.plugins.imagestore.service.blob.local;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore newStore() throws Exception {
    return new LocalBlobStore(Files.createTempDirectory(tmp, "store"));
  }

  @Test
  void writesLeaveNoTemporaryFilesBehind() throws Exception {
    Path root = Files.createTempDirectory(tmp, "store");
    LocalBlobStore store = new LocalBlobStore(root);
    Path source = Files.createTempFile(tmp, "src", ".png");
    Files.write(source, new byte[] {1, 2, 3});
    String sha = ImageId.sha256Hex(new byte[] {1, 2, 3});
    store.put(sha, source);
    try (Stream<Path> staged = Files.list(store.tmpDir())) {
      assertThat(staged.toList()).isEmpty();
    }
    assertThat(
            Files.exists(
                root.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha)))
        .isTrue();
  }
}
