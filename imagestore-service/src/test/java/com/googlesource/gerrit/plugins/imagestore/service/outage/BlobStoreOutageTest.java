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

package com.googlesource.gerrit.plugins.imagestore.service.outage;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.googlesource.gerrit.plugins.imagestore.service.blob.SpoolDirectory;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsBlobStore;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsDouble;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsDouble.Fault;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsDouble.Op;
import com.googlesource.gerrit.plugins.imagestore.service.config.BlobStoreConfig;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import com.googlesource.gerrit.plugins.imagestore.service.testing.UploadLedger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service on the GCS blob store, pointed ({@code --gcs-host}) at {@link GcsDouble},
 * through its HTTP API: faults that pass are absorbed by the client's retries (uploads and
 * downloads succeed), lasting ones give 503 with {@code Retry-After} and {@code
 * blob_store_unavailable} and a red readiness, and nothing is half-recorded: uploads that got a 503
 * are absent afterwards, every acknowledged image reads back byte-identical once the faults stop.
 */
class BlobStoreOutageTest {
  private static final String BUCKET = "imagestore-outage";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private GcsDouble gcs;
  private TestService service;
  private UploadLedger ledger;

  @BeforeEach
  void start() throws Exception {
    gcs = GcsDouble.start();
    service =
        TestService.start(
            dir,
            c ->
                c.withBlobStore(BlobStoreConfig.gcs(BUCKET, "img/", null).withGcsHost(gcs.host()))
                    // Every download reaches the bucket: no cache answers in its place.
                    .withBlobCache(0));
    ledger = new UploadLedger(service);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (service != null) {
        service.close();
      }
    } finally {
      gcs.close();
    }
  }

  @Test
  void passingFaultsAreRetriedLastingOnesAnswer503AndNothingIsHalfRecorded() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(ledger.upload()).isEqualTo(201);
    }

    // Faults that pass within the client's retries, and slow answers within its timeouts: every
    // request still succeeds.
    for (Fault fault :
        List.of(
            Fault.status(503),
            Fault.status(429),
            Fault.drop(),
            Fault.slow(Duration.ofSeconds(1)))) {
      for (Op op : Op.values()) {
        gcs.fail(op, fault, 2);
      }
      assertWithMessage("upload through %s", fault).that(ledger.upload()).isEqualTo(201);
      for (Op op : Op.values()) {
        gcs.fail(op, fault, 2);
      }
      assertWithMessage("download through %s", fault).that(ledger.downloadAny()).isEqualTo(200);
    }
    assertThat(gcs.faultsInjected()).isAtLeast(6);
    service.awaitStatus("/health/ready", 200, DEADLINE);

    // A lasting outage: 503 with Retry-After, readiness red, liveness green.
    for (Fault fault : List.of(Fault.status(503), Fault.status(429), Fault.drop())) {
      for (Op op : Op.values()) {
        gcs.failAlways(op, fault);
      }
      assertWithMessage("upload during %s", fault).that(ledger.upload()).isEqualTo(503);
      int reads = gcs.requests(Op.READ);
      assertWithMessage("download during %s", fault).that(ledger.downloadAny()).isEqualTo(503);
      if (fault.status() != 0) {
        // One call's bounded attempts: the servlet answers the outage the fast path met.
        assertThat(gcs.requests(Op.READ) - reads)
            .isEqualTo(GcsBlobStore.Limits.DEFAULT.maxAttempts());
      }
      if (fault.status() != 0) {
        // (Dropped connections spare the probe: the 404 it asks for arrives, cut after its status.)
        HttpResponse<String> ready = service.awaitStatus("/health/ready", 503, DEADLINE);
        JsonObject body = JsonParser.parseString(ready.body()).getAsJsonObject();
        assertThat(body.get("blobStore").getAsString()).isEqualTo("unavailable");
        assertThat(body.get("database").getAsString()).isEqualTo("ok");
      }
      assertThat(get("/health/live").statusCode()).isEqualTo(200);
      gcs.heal();
      service.awaitStatus("/health/ready", 200, DEADLINE);
    }
    assertThat(ledger.unacknowledgedCount()).isAtLeast(1);
    // Each upload the outage refused left a note for bytes it may have stored.
    Path spoolBase = service.store().tmpDir().getParent();
    assertThat(SpoolDirectory.leftNotes(spoolBase, 100)).isNotEmpty();

    // Working again: uploads and downloads as before, nothing lost, nothing half there. The first
    // upload recorded settles the notes (their contents pending, freed after the grace period).
    assertThat(ledger.upload()).isEqualTo(201);
    assertThat(SpoolDirectory.leftNotes(spoolBase, 100)).isEmpty();
    assertThat(ledger.downloadAny()).isEqualTo(200);
    ledger.verify();
    assertThat(ledger.count(503)).isAtLeast(6);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return service.sendForString(service.request(path, null).build());
  }
}
