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

package com.googlesource.gerrit.plugins.imagestore.service.blob.gcs;

import static com.google.common.truth.Truth.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The GCS store through google-cloud-nio's in-memory {@code Storage}. It is created strict ({@code
 * throwIfOption}): any precondition or other request option fails, so these tests also show that
 * the store relies on none.
 */
class GcsBlobStoreTest extends BlobStoreContract {
  private Storage storage;

  @Override
  protected BlobStore newStore() {
    storage = LocalStorageHelper.customOptions(true).getService();
    return new GcsBlobStore(storage, "imagestore-test", "some/prefix/");
  }

  /**
   * LocalStorageHelper's fake keeps objects in plain maps: a read racing a write of the same object
   * fails inside the fake (a null array), which GCS, finalizing each object atomically, never does.
   * So here the readers start once the writers are done; {@link GcsRealBucketTest} runs the racing
   * version against a real bucket.
   */
  @Override
  @Test
  protected void readersDuringConcurrentWritesSeeAllOrNothing() throws Exception {
    concurrentWritersOfOneKeyLeaveOneCompleteBlob();
  }

  @Test
  void objectsAreNamedPrefixPlusSha256() throws Exception {
    BlobStore store = newStore();
    byte[] content = "named".getBytes(StandardCharsets.UTF_8);
    Path source = Files.createTempFile(tmp, "src", ".bin");
    Files.write(source, content);
    String sha = ImageId.sha256Hex(content);
    store.put(sha, source);
    assertThat(storage.readAllBytes(BlobId.of("imagestore-test", "some/prefix/" + sha)))
        .isEqualTo(content);
    assertThat(store.describe())
        .isEqualTo("Google Cloud Storage gs://imagestore-test/some/prefix/");
  }
}
