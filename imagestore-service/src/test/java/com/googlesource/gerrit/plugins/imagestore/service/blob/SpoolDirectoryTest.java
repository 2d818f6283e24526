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

package com.googlesource.gerrit.plugins.imagestore.service.blob;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spool directories of processes that are gone are found and removed, their notes kept; those of
 * running processes, and young loose files, are left alone. The other process is real, and killed
 * with SIGKILL.
 */
class SpoolDirectoryTest {
  @TempDir Path base;

  /** Run by the test in a process of its own: opens a spool directory, says where, waits. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      SpoolDirectory spool = SpoolDirectory.open(Paths.get(args[0]));
      Files.writeString(spool.path().resolve("upload-1.png"), "half an upload");
      spool.note("cut-upload.42", true);
      spool.note("done-upload.7", false).close();
      System.out.println(spool.path());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Run by the test in a process of its own: prints what it takes for stale under a base. */
  public static final class Prober {
    public static void main(String[] args) throws Exception {
      Instant later = Instant.now().plus(Duration.ofMinutes(1));
      for (Path p : SpoolDirectory.stale(Paths.get(args[0]), later)) {
        System.out.println(p);
      }
    }
  }

  /**
   * A running process looking for stale directories (its periodic sweep does) keeps its own locks:
   * closing a probe's channel would release every lock the process holds on that file, and another
   * replica would then remove the directories of uploads in flight.
   */
  @Test
  void lookingForStaleDirectoriesKeepsThisProcesssOwnLocks() throws Exception {
    try (SpoolDirectory first = SpoolDirectory.open(base);
        SpoolDirectory second = SpoolDirectory.open(base)) {
      Instant later = Instant.now().plus(Duration.ofMinutes(1));
      assertThat(SpoolDirectory.stale(base, later)).isEmpty();
      assertThat(SpoolDirectory.removeAllStale(base)).isEqualTo(0);
      Process prober = startOnBase(Prober.class);
      String seen = new String(prober.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(prober.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).isEmpty();
      assertThat(Files.isDirectory(first.path())).isTrue();
      assertThat(Files.isDirectory(second.path())).isTrue();
    }
  }

  @Test
  void aKilledProcessesSpoolIsRemovedAndALiveOneIsKept() throws Exception {
    Process holder = startOnBase(Holder.class);
    try {
      Path theirs;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
        theirs = Path.of(out.readLine());
      }
      // Later than a starting process may take to lock its directory.
      Instant later = Instant.now().plus(Duration.ofMinutes(1));
      assertThat(SpoolDirectory.stale(base, later)).isEmpty();

      try (SpoolDirectory ours = SpoolDirectory.open(base)) {
        assertThat(Files.isDirectory(theirs)).isTrue(); // running: kept
        holder.destroyForcibly(); // SIGKILL: no shutdown hook, its lock goes with it
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(SpoolDirectory.stale(base, later)).containsExactly(theirs);

        // A young loose file may be an upload of an older version still running; an old one not.
        Path young = Files.writeString(base.resolve("upload-young.png"), "x");
        Path old = Files.writeString(base.resolve("upload-old.png"), "x");
        Files.setLastModifiedTime(old, FileTime.from(later.minus(Duration.ofHours(2))));
        assertThat(SpoolDirectory.stale(base, later)).containsExactly(theirs, old);
        for (Path p : SpoolDirectory.stale(base, later)) {
          SpoolDirectory.removeStale(base, p);
        }
        assertThat(Files.exists(theirs)).isFalse();
        assertThat(Files.exists(young)).isTrue();
        assertThat(Files.isDirectory(ours.path())).isTrue();

        // The killed process's open note outlived its directory; the one it closed did not.
        assertThat(names(SpoolDirectory.leftNotes(base, 10))).containsExactly("cut-upload.42");
        // Ours: closed, gone; left, beside theirs; two of one name are two notes.
        ours.note("ours.1", true).close();
        ours.note("ours.2", false).leave();
        ours.note("ours.2", false).leave();
        assertThat(names(SpoolDirectory.leftNotes(base, 10)))
            .containsExactly("cut-upload.42", "ours.2", "ours.2");
        assertThat(SpoolDirectory.leftNotes(base, 2)).hasSize(2);
        for (SpoolDirectory.LeftNote note : SpoolDirectory.leftNotes(base, 10)) {
          note.forget();
        }
        assertThat(SpoolDirectory.leftNotes(base, 10)).isEmpty();
        assertThrows(IllegalArgumentException.class, () -> ours.note("../escape", true));
        assertThrows(IllegalArgumentException.class, () -> ours.note("", true));
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Starts {@code main}'s class in a JVM of its own, on this test's class path, with the base. */
  private Process startOnBase(Class<?> main) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            main.getName(),
            base.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static List<String> names(List<SpoolDirectory.LeftNote> notes) {
    return notes.stream().map(SpoolDirectory.LeftNote::name).toList();
  }
}
