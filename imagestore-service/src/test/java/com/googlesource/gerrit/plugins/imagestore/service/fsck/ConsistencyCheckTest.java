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

package com.googlesource.gerrit.plugins.imagestore.service.fsck;

import static com.google.common.truth.Truth.assertThat;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.testing.TestService.UPLOADER;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.diff.testing.TestPngs;
import com.googlesource.gerrit.plugins.imagestore.service.cli.ImagestoreCommand;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository;
import com.googlesource.gerrit.plugins.imagestore.service.content.ContentRepository.State;
import com.googlesource.gerrit.plugins.imagestore.service.testing.TestService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imagestore fsck} on a real store damaged the ways crashes and operators damage stores: it
 * reports each kind, repairs what can be repaired through the service's own locked steps, and exits
 * non-zero while problems remain.
 */
class ConsistencyCheckTest {
  @TempDir Path data;
  private TestService service;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void aCleanStoreIsCleanAndCrashLeftoversAreRepaired() throws Exception {
    service = TestService.start(data);
    String kept = put(TestPngs.png(700));
    String purged = put(TestPngs.png(701));
    assertThat(send("DELETE", "/images/" + purged + "?force=true").statusCode()).isEqualTo(204);
    assertThat(send("DELETE", "/trash/" + purged).statusCode()).isEqualTo(204);
    assertThat(fsck().exit()).isEqualTo(0);

    // What a crash leaves: bytes stored by an upload that never recorded them, a deletion that was
    // committed but never finished, an upload that stopped after its row, a dead process's spool.
    byte[] strayPng = TestPngs.png(702);
    String straySha = ImageId.sha256Hex(strayPng);
    Path strayFile = blobFile(straySha);
    Files.createDirectories(strayFile.getParent());
    Files.write(strayFile, strayPng);
    Files.setLastModifiedTime(strayFile, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    byte[] deletingPng = TestPngs.png(703);
    String deletingSha = ImageId.sha256Hex(deletingPng);
    Files.createDirectories(blobFile(deletingSha).getParent());
    Files.write(blobFile(deletingSha), deletingPng);
    ContentRepository rows = new ContentRepository();
    service
        .store()
        .database()
        .read(c -> rows.insertIfAbsent(c, deletingSha, deletingPng.length, State.DELETING, 1L));
    Path deadSpool = data.resolve("blobs/.tmp/p-0123456789abcdef");
    Files.createDirectories(deadSpool);
    Files.write(deadSpool.resolve("upload-1.png"), strayPng);
    Files.createFile(deadSpool.resolve(".lock"));
    // The dead process's upload had stored its bytes (just now: in flight by their age alone) and
    // had not recorded them; its note says so.
    byte[] cutPng = TestPngs.png(704);
    String cutSha = ImageId.sha256Hex(cutPng);
    Files.createDirectories(blobFile(cutSha).getParent());
    Files.write(blobFile(cutSha), cutPng);
    Files.createFile(deadSpool.resolve(cutSha + "." + cutPng.length + ".1.note"));
    Files.setLastModifiedTime(deadSpool, FileTime.from(Instant.now().minusSeconds(60)));
    // A held content whose row went missing (written by an older version): adopted.
    execute("DELETE FROM blobs WHERE sha256 = '" + sha(kept) + "'");

    Result check = fsck();
    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.out()).contains("PROBLEM bytes no row names, older than the grace period: 1");
    assertThat(check.out()).contains("PROBLEM deletions a crash or failure interrupted: 1");
    assertThat(check.out()).contains("PROBLEM spool files of stopped processes: 1");
    assertThat(check.out()).contains("PROBLEM held contents without a blobs row");
    assertThat(Files.exists(strayFile)).isTrue(); // only reported

    Result repair = fsck("--repair");
    assertThat(repair.exit()).isEqualTo(0);
    assertThat(repair.out())
        .contains(
            "note    notes of uploads a crash or failure cut (recorded pending by the next start,"
                + " sweep or upload): 1, 1 repaired");
    assertThat(Files.exists(strayFile)).isFalse();
    assertThat(Files.exists(blobFile(deletingSha))).isFalse();
    assertThat(Files.exists(deadSpool)).isFalse();
    assertThat(fsck().out()).contains("fsck: clean");
    // The cut upload's bytes now have a pending row: freed once the grace period has passed, here
    // at once.
    assertThat(service.store().database().<Optional<State>>inTransaction(c -> rows.lock(c, cutSha)))
        .hasValue(State.PENDING);
    assertThat(Files.exists(blobFile(cutSha))).isTrue();
    assertThat(fsck("--repair", "--grace", "0").exit()).isEqualTo(0);
    assertThat(Files.exists(blobFile(cutSha))).isFalse();
    assertThat(fsck("--grace", "0").out()).contains("fsck: clean");
    // What was kept is served as before.
    assertThat(download(kept).statusCode()).isEqualTo(200);
    assertThat(download(kept).body()).isEqualTo(TestPngs.png(700));
  }

  @Test
  void missingOrDamagedBytesAreReportedNeverServedAndNotRepairedAway() throws Exception {
    service = TestService.start(data, c -> c.withBlobCache(0));
    String lost = put(TestPngs.png(710));
    String truncated = put(TestPngs.png(711));
    String flipped = put(TestPngs.png(712));
    Files.delete(blobFile(sha(lost)));
    Path t = blobFile(sha(truncated));
    Files.write(t, java.util.Arrays.copyOf(Files.readAllBytes(t), 100));
    Path f = blobFile(sha(flipped));
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(f, bytes);

    HttpResponse<byte[]> answer = download(lost);
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(new String(answer.body(), UTF_8)).contains("bytes_missing");

    Result check = fsck("--repair");
    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.out()).contains("images or trash entries whose bytes are missing: 1");
    assertThat(check.out()).contains("image " + lost);
    assertThat(check.out()).contains("stored bytes whose size differs from the recorded size: 1");
    assertThat(check.out()).doesNotContain("SHA-256 differs");
    assertThat(fsck("--verify-content").out())
        .contains("stored bytes whose SHA-256 differs from their key: 1");
    // The rows stay: an operator may bring the bytes back from a backup.
    assertThat(service.store().images().find(ImageId.of(lost))).isPresent();
  }

  private Path blobFile(String sha) {
    return data.resolve("blobs")
        .resolve(sha.substring(0, 2))
        .resolve(sha.substring(2, 4))
        .resolve(sha);
  }

  private String sha(String id) {
    return service.store().images().find(ImageId.of(id)).orElseThrow().sha256();
  }

  private void execute(String sql) {
    service
        .store()
        .database()
        .read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                return ps.executeUpdate();
              }
            });
  }

  private String put(byte[] png) throws Exception {
    String id = ImageId.forContent(png).value();
    HttpResponse<String> r =
        service.sendForString(
            service
                .request("/images/" + id, UPLOADER)
                .header("Content-Type", "image/png")
                .PUT(BodyPublishers.ofByteArray(png))
                .build());
    assertThat(r.statusCode()).isEqualTo(201);
    return id;
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return service.sendForString(
        service.request(path, ADMIN).method(method, BodyPublishers.noBody()).build());
  }

  private HttpResponse<byte[]> download(String id) throws Exception {
    return service.send(service.request("/images/" + id, null).GET().build());
  }

  record Result(int exit, String out) {}

  /** Runs {@code imagestore fsck} in-process on the service's data directory. */
  private Result fsck(String... flags) {
    String[] args = new String[flags.length + 3];
    args[0] = "fsck";
    args[1] = "--data";
    args[2] = data.toString();
    System.arraycopy(flags, 0, args, 3, flags.length);
    PrintStream out = System.out;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, UTF_8));
      int exit = ImagestoreCommand.execute(java.util.Map.of(), args);
      return new Result(exit, o.toString(UTF_8));
    } finally {
      System.setOut(out);
    }
  }
}
