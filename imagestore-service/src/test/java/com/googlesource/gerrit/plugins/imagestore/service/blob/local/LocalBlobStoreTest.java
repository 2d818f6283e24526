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

package com.googlesource.gerrit.plugins.imagestore.service.blob.local;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreContract;
import java.io.InputStream;
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

  @Test
  void aFileSpooledBesideTheBlobsIsLinkedIntoPlaceNotCopied() throws Exception {
    Path root = Files.createTempDirectory(tmp, "store");
    LocalBlobStore store = new LocalBlobStore(root);
    Path spooled = Files.createTempFile(store.tmpDir(), "upload-", ".png");
    byte[] content = {4, 5, 6, 7};
    Files.write(spooled, content);
    String sha = ImageId.sha256Hex(content);

    store.put(sha, spooled);
    Path blob = root.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
    assertThat(Files.isSameFile(spooled, blob)).isTrue();
    // The caller deletes its spool file as always; the blob stays.
    Files.delete(spooled);
    assertThat(Files.readAllBytes(blob)).isEqualTo(content);
    try (InputStream in = store.open(sha).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }

    // Storing the same bytes again from another spool file keeps the first blob.
    Path again = Files.createTempFile(store.tmpDir(), "upload-", ".png");
    Files.write(again, content);
    store.put(sha, again);
    assertThat(Files.isSameFile(again, blob)).isFalse();
  }
}
