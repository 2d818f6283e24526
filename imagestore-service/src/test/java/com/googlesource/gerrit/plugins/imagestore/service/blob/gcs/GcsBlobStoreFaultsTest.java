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
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.cloud.NoCredentials;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.service.blob.BlobStoreUnavailableException;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsDouble.Fault;
import com.googlesource.gerrit.plugins.imagestore.service.blob.gcs.GcsDouble.Op;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GcsBlobStore} through the real client against {@link GcsDouble} with faults: what passes
 * within the retry bounds is retried and succeeds with the right bytes; what lasts becomes {@link
 * BlobStoreUnavailableException} after a bounded number of attempts; what is no outage (403) is not
 * retried and not reported as one.
 */
class GcsBlobStoreFaultsTest {
  /**
   * The production policy with shorter waits, so a slow answer (2 s) times out and a test does not
   * wait long for the bounds to run out.
   */
  static final GcsBlobStore.Limits QUICK =
      new GcsBlobStore.Limits(
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          5,
          Duration.ofMillis(10),
          Duration.ofMillis(100),
          Duration.ofSeconds(20));

  private static final Fault SLOWER_THAN_THE_READ_TIMEOUT = Fault.slow(Duration.ofSeconds(2));

  @TempDir Path tmp;
  private GcsDouble gcs;
  private GcsBlobStore store;

  @BeforeEach
  void start() throws IOException {
    gcs = GcsDouble.start();
    store =
        new GcsBlobStore(
            GcsBlobStore.httpStorage(NoCredentials.getInstance(), gcs.host(), QUICK),
            "faults",
            "p/");
  }

  @AfterEach
  void stop() {
    gcs.close();
  }

  private record Content(byte[] bytes, String sha, Path file) {}

  private Content content(int size, int seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Path file = Files.createTempFile(tmp, "blob", ".bin");
    Files.write(file, bytes);
    return new Content(bytes, ImageId.sha256Hex(bytes), file);
  }

  private byte[] read(String sha) throws IOException {
    try (InputStream in = store.open(sha).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  @Test
  void passingFaultsOfEveryKindAreRetriedAndSucceed() throws Exception {
    List<Fault> faults =
        List.of(
            Fault.status(503),
            Fault.status(500),
            Fault.status(429),
            Fault.drop(),
            SLOWER_THAN_THE_READ_TIMEOUT);
    int seed = 0;
    for (Fault fault : faults) {
      // 3 MiB: more than one read chunk, so a dropped download resumes in the middle.
      Content c = content(3 * 1024 * 1024 + 17, seed++);
      gcs.fail(Op.GET, fault, 2);
      assertThat(store.exists(c.sha())).isFalse();

      gcs.fail(Op.INSERT, fault, 2);
      gcs.fail(Op.UPLOAD, fault, 2);
      store.put(c.sha(), c.file());

      gcs.fail(Op.GET, fault, 2);
      assertThat(store.exists(c.sha())).isTrue();

      gcs.fail(Op.READ, fault, 2);
      assertThat(read(c.sha())).isEqualTo(c.bytes());
      gcs.fail(Op.READ, fault, 2);
      assertThat(store.read(c.sha(), c.bytes().length).orElseThrow().remaining())
          .isEqualTo(c.bytes().length);

      gcs.fail(Op.DELETE, fault, 2);
      // A dropped or late answer hides that the delete happened; the retry then finds nothing.
      boolean deleted = store.delete(c.sha());
      if (fault.status() != 0) {
        assertThat(deleted).isTrue();
      }
      assertThat(store.exists(c.sha())).isFalse();
    }
    assertThat(gcs.faultsInjected()).isAtLeast(faults.size() * 10);
  }

  @Test
  void lastingFaultsEndInBoundedAttemptsAsUnavailable() throws Exception {
    Content c = content(300 * 1024, 1);
    store.put(c.sha(), c.file());
    for (Fault fault : List.of(Fault.status(503), Fault.status(429), Fault.drop())) {
      for (Op op : Op.values()) {
        gcs.failAlways(op, fault);
      }
      int before = gcs.requests(Op.GET);
      BlobStoreUnavailableException e =
          assertThrows(
              BlobStoreUnavailableException.class, () -> store.exists(c.sha()), fault.toString());
      assertThat(e).hasMessageThat().contains(c.sha());
      assertWithMessage("%s", fault)
          .that(gcs.requests(Op.GET) - before)
          .isEqualTo(QUICK.maxAttempts());
      if (fault.drops()) {
        // Each dropped answer still brings half of what is left: a reader may make it through,
        // but never with other bytes.
        try {
          assertThat(read(c.sha())).isEqualTo(c.bytes());
        } catch (IOException readFailed) {
          assertThat(readFailed).isInstanceOf(BlobStoreUnavailableException.class);
        }
      } else {
        assertThrows(
            BlobStoreUnavailableException.class, () -> store.open(c.sha()), fault.toString());
      }
      if (fault.drops()) {
        // Deleted, the answer lost; the retries are told it is gone (or lose that answer too).
        try {
          assertThat(store.delete(c.sha())).isFalse();
        } catch (BlobStoreUnavailableException expected) {
          // as well
        }
      } else {
        assertThrows(
            BlobStoreUnavailableException.class, () -> store.delete(c.sha()), fault.toString());
      }
      Content other = content(1000, 2);
      assertThrows(
          BlobStoreUnavailableException.class,
          () -> store.put(other.sha(), other.file()),
          fault.toString());
      gcs.heal();
      assertThat(store.exists(other.sha()) && !fault.drops()).isFalse();
      store.put(c.sha(), c.file());
      assertThat(read(c.sha())).isEqualTo(c.bytes());
    }
  }

  @Test
  void aSlowStoreTimesOutAsUnavailable() throws Exception {
    gcs.failAlways(Op.GET, SLOWER_THAN_THE_READ_TIMEOUT);
    Content c = content(10, 3);
    assertThrows(BlobStoreUnavailableException.class, () -> store.exists(c.sha()));
  }

  @Test
  void refusalsAreNotOutagesAndNotRetried() throws Exception {
    gcs.failAlways(Op.GET, Fault.status(403));
    Content c = content(10, 4);
    int before = gcs.requests(Op.GET);
    IOException e = assertThrows(IOException.class, () -> store.exists(c.sha()));
    assertThat(e).isNotInstanceOf(BlobStoreUnavailableException.class);
    assertThat(gcs.requests(Op.GET) - before).isEqualTo(1);
  }
}
