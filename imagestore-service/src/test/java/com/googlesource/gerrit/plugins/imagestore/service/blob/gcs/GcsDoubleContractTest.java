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

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreContract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The GCS store through the real client over HTTP against {@link GcsDouble}, no faults: the double
 * is faithful enough for the whole contract (including readers racing writers, which GCS's atomic
 * finalize allows and google-cloud-nio's in-memory fake does not), so the fault tests built on it
 * mean something.
 */
class GcsDoubleContractTest extends BlobStoreContract {
  static final String BUCKET = "imagestore-double";

  private final List<GcsDouble> doubles = new ArrayList<>();
  private Storage storage;

  @Override
  protected BlobStore newStore() throws Exception {
    GcsDouble gcs = GcsDouble.start();
    doubles.add(gcs);
    storage = GcsBlobStore.httpStorage(NoCredentials.getInstance(), gcs.host());
    return new GcsBlobStore(storage, BUCKET, "double/");
  }

  @AfterEach
  void stopDoubles() {
    doubles.forEach(GcsDouble::close);
  }

  /** What the store does not use yet but the double offers: small uploads and listing pages. */
  @Test
  void multipartUploadsAndListingByPages() throws Exception {
    newStore();
    Set<String> written = new TreeSet<>();
    for (int i = 0; i < 7; i++) {
      byte[] content = ("object " + i).getBytes(StandardCharsets.UTF_8);
      String name = "double/" + ImageId.sha256Hex(content);
      storage.create(BlobInfo.newBuilder(BUCKET, name).build(), content);
      written.add(name);
      assertThat(storage.readAllBytes(BUCKET, name)).isEqualTo(content);
    }
    storage.create(BlobInfo.newBuilder(BUCKET, "elsewhere/x").build(), new byte[] {1});
    Set<String> listed = new TreeSet<>();
    for (Blob b :
        storage
            .list(
                BUCKET,
                Storage.BlobListOption.prefix("double/"),
                Storage.BlobListOption.pageSize(3))
            .iterateAll()) {
      listed.add(b.getName());
    }
    assertThat(listed).isEqualTo(written);
  }
}
