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

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreContract;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against a real bucket, when one is configured: {@code IMAGESTORE_TEST_GCS_BUCKET}
 * and credentials ({@code GOOGLE_APPLICATION_CREDENTIALS} or {@code
 * IMAGESTORE_TEST_GCS_CREDENTIALS}, a key file). Objects go under a fresh prefix per run, {@code
 * imagestore-test/<random>/}; the tests delete what they write. Without a bucket it is skipped,
 * saying so.
 */
class GcsRealBucketTest extends BlobStoreContract {
  private static final String BUCKET = System.getenv("IMAGESTORE_TEST_GCS_BUCKET");
  private static final String KEY_FILE = System.getenv("IMAGESTORE_TEST_GCS_CREDENTIALS");
  private static final String RUN = "imagestore-test/" + UUID.randomUUID() + "/";

  private static boolean told;

  @BeforeEach
  void needsABucket() {
    boolean configured = BUCKET != null && !BUCKET.isBlank();
    if (!configured && !told) {
      told = true;
      System.out.println(
          "GCS real-bucket tests NOT run: set IMAGESTORE_TEST_GCS_BUCKET (and"
              + " GOOGLE_APPLICATION_CREDENTIALS or IMAGESTORE_TEST_GCS_CREDENTIALS) to run them.");
    }
    assumeTrue(
        configured,
        "GCS real-bucket tests NOT run: IMAGESTORE_TEST_GCS_BUCKET is not set (no bucket or"
            + " credentials configured)");
  }

  /** Deletes every object this run wrote. */
  @AfterAll
  static void cleanUp() throws Exception {
    if (BUCKET == null || BUCKET.isBlank()) {
      return;
    }
    Credentials credentials;
    if (KEY_FILE == null) {
      credentials = GoogleCredentials.getApplicationDefault();
    } else {
      try (InputStream in = Files.newInputStream(Path.of(KEY_FILE))) {
        credentials = ServiceAccountCredentials.fromStream(in);
      }
    }
    Storage storage = GcsBlobStore.httpStorage(credentials, null);
    for (Blob b : storage.list(BUCKET, BlobListOption.prefix(RUN)).iterateAll()) {
      storage.delete(b.getBlobId());
    }
  }

  @Override
  protected BlobStore newStore() throws Exception {
    return GcsBlobStore.connect(
        BUCKET, RUN + UUID.randomUUID() + "/", KEY_FILE == null ? null : Path.of(KEY_FILE), null);
  }
}
