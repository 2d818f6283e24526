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

package com.googlesource.gerrit.plugins.imagestore.queue;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The outbox on the real file system: job files name what they are about, and a file that cannot be
 * read (as a power loss may leave one) is set aside and made up for, never silently dropped.
 */
public class OutboxTest {
  private static final String PROJECT = "ui/app [default]_x";
  private static final String BRANCH = "refs/heads/rel-1_ä";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path data;
  private Outbox outbox;

  @Before
  public void setUp() throws Exception {
    data = tmp.getRoot().toPath();
    outbox = new Outbox(data);
  }

  private Path outboxDir() {
    return data.resolve("outbox");
  }

  private static List<String> describe(List<Outbox.Entry> entries) {
    return entries.stream().map(e -> e.job().toString()).toList();
  }

  /** Writes a job file by hand, as a crash or a bad disk leaves it. */
  private Path writeByHand(String name, String content) throws Exception {
    Path f = outboxDir().resolve(name);
    Files.writeString(f, content);
    return f;
  }

  @Test
  public void jobsComeBackInOrderAndTheirNamesSayWhatTheyAreAbout() throws Exception {
    outbox.add(new Job.IndexCommits(PROJECT, BRANCH, "1".repeat(40), "2".repeat(40)));
    outbox.add(new Job.RescanProject(PROJECT));
    outbox.add(new Job.ReconcileAll());
    List<Outbox.Entry> pending = outbox.pending();
    assertThat(describe(pending))
        .containsExactly(
            "index_commits " + PROJECT + " " + BRANCH + " 11111111..22222222",
            "rescan_project " + PROJECT,
            "reconcile_all")
        .inOrder();
    String name = pending.get(0).file().getFileName().toString();
    assertThat(name)
        .matches(
            "[0-9]{13}-[0-9]{6}-[0-9a-f]+_INDEX%5FCOMMITS_[A-Za-z0-9.%-]+_[A-Za-z0-9.%-]+[.]json");
    assertThat(Outbox.replacementFor(name).toString())
        .isEqualTo("rescan_branch " + PROJECT + " " + BRANCH);
    assertThat(outbox.depth()).isEqualTo(3);
    assertThat(outbox.unreadableCount()).isEqualTo(0);
  }

  @Test
  public void aRequeuedJobTakesItsPlaceBehindTheJobsQueuedMeanwhile() throws Exception {
    Path first = outbox.add(new Job.ReconcileAll());
    outbox.add(new Job.IndexCommits(PROJECT, BRANCH, null, "2".repeat(40)));
    Outbox.Entry step = outbox.pending().get(0);

    Path next = outbox.requeue(step, new Job.ReconcileAll(PROJECT));

    assertThat(Files.exists(first)).isFalse();
    assertThat(new Outbox(data).pending().stream().map(Outbox.Entry::job).toList())
        .containsExactly(
            new Job.IndexCommits(PROJECT, BRANCH, null, "2".repeat(40)),
            new Job.ReconcileAll(PROJECT))
        .inOrder();
    assertThat(outbox.pending().get(1).file()).isEqualTo(next);
    assertThat(outbox.pending().get(1).job().toString())
        .isEqualTo("reconcile_all after " + PROJECT);
    assertThat(outbox.depth()).isEqualTo(2);
  }

  @Test
  public void anEmptyJobFileIsSetAsideReportedAndItsBranchRescanned() throws Exception {
    outbox.add(new Job.RescanProject("other"));
    // The name the outbox gives a job, emptied as a power loss before the fsync would leave it.
    String name =
        outbox.fileName(new Job.IndexCommits(PROJECT, BRANCH, "1".repeat(40), "2".repeat(40)))
            + ".json";
    writeByHand(name, "");

    // The rescan queued instead comes with the jobs it returns, and stays queued like them.
    assertThat(describe(outbox.pending()))
        .containsExactly("rescan_project other", "rescan_branch " + PROJECT + " " + BRANCH)
        .inOrder();
    assertThat(describe(outbox.pending()))
        .containsExactly("rescan_project other", "rescan_branch " + PROJECT + " " + BRANCH)
        .inOrder();
    assertThat(Files.exists(outboxDir().resolve("unreadable").resolve(name))).isTrue();
    assertThat(outbox.unreadableCount()).isEqualTo(1);
    assertThat(outbox.lastUnreadable()).contains(name);
    assertThat(outbox.lastUnreadable()).contains("rescan_branch " + PROJECT + " " + BRANCH);
  }

  @Test
  public void corruptJobFilesAreMadeUpForByWhatTheirNamesSay() throws Exception {
    writeByHand(
        outbox.fileName(new Job.RescanBranch(PROJECT, BRANCH)) + ".json", "{\"kind\":\"RESC");
    writeByHand(outbox.fileName(new Job.RescanProject(PROJECT)) + ".json", "\0\0\0\0");
    // Parses, but is not a whole job.
    writeByHand(
        outbox.fileName(new Job.IndexCommits(PROJECT, "refs/heads/master", null, "2".repeat(40)))
            + ".json",
        "{\"kind\":\"INDEX_COMMITS\"}");
    writeByHand(outbox.fileName(new Job.PostPreviews(PROJECT, 7, 2)) + ".json", "{}");
    writeByHand(outbox.fileName(new Job.DeleteOrphans()) + ".json", "{\"kind\":\"NO_SUCH_KIND\"}");
    // Invalid UTF-8.
    Files.write(
        outboxDir().resolve(outbox.fileName(new Job.ReconcileAll()) + ".json"),
        new byte[] {(byte) 0xff, (byte) 0xfe, '{'});

    assertThat(describe(outbox.pending()))
        .containsExactly(
            "rescan_branch " + PROJECT + " " + BRANCH,
            "rescan_project " + PROJECT,
            "rescan_branch " + PROJECT + " refs/heads/master",
            // The previews' comment is lost (reported): nothing to rescan.
            "delete_orphans",
            "reconcile_all")
        .inOrder();
    assertThat(outbox.unreadableCount()).isEqualTo(6);
  }

  @Test
  public void anUnreadableFileOfAnOlderVersionCatchesUpEverything() throws Exception {
    // Names before they described the job: time, sequence, random.
    writeByHand("1764980000000-000001-3ff1c0d9a5b7e4c2.json", "");
    assertThat(describe(outbox.pending())).containsExactly("reconcile_all");
    assertThat(Outbox.replacementFor("1764980000000-000001-3ff_%ZZ.json").toString())
        .isEqualTo("reconcile_all");
  }

  @Test
  public void jobFilesOfThePreviousVersionAreReadAsTheirTypedJobs() throws Exception {
    // Byte for byte what the single mutable job class wrote before the typed jobs (Gson, nulls
    // left out, every int field written): sites upgrade with such files queued.
    String[][] previous = {
      {
        "INDEX_COMMITS",
        "{\"kind\":\"INDEX_COMMITS\",\"project\":\"p\",\"branch\":\"refs/heads/master\","
            + "\"oldRev\":\""
            + "1".repeat(40)
            + "\",\"newRev\":\""
            + "2".repeat(40)
            + "\",\"change\":0,\"patchSet\":0}"
      },
      {
        "RESCAN_BRANCH",
        "{\"kind\":\"RESCAN_BRANCH\",\"project\":\"p\",\"branch\":\"refs/heads/rel-1\","
            + "\"change\":0,\"patchSet\":0}"
      },
      {
        "RESCAN_PROJECT",
        "{\"kind\":\"RESCAN_PROJECT\",\"project\":\"p\",\"change\":0,\"patchSet\":0}"
      },
      {"RECONCILE_ALL", "{\"kind\":\"RECONCILE_ALL\",\"change\":0,\"patchSet\":0}"},
      {"DELETE_ORPHANS", "{\"kind\":\"DELETE_ORPHANS\",\"change\":0,\"patchSet\":0}"},
      {
        "POST_PREVIEWS",
        "{\"kind\":\"POST_PREVIEWS\",\"project\":\"p\",\"change\":7,\"patchSet\":2}"
      },
    };
    for (int i = 0; i < previous.length; i++) {
      writeByHand(
          String.format("1764980000000-%06d-3ff_%s_p.json", i, Outbox.encode(previous[i][0])),
          previous[i][1]);
    }
    assertThat(outbox.pending().stream().map(Outbox.Entry::job).toList())
        .containsExactly(
            new Job.IndexCommits("p", "refs/heads/master", "1".repeat(40), "2".repeat(40)),
            new Job.RescanBranch("p", "refs/heads/rel-1"),
            new Job.RescanProject("p"),
            new Job.ReconcileAll(),
            new Job.DeleteOrphans(),
            new Job.PostPreviews("p", 7, 2))
        .inOrder();
    assertThat(outbox.unreadableCount()).isEqualTo(0);
  }

  @Test
  public void everyKindComesBackAsTheJobThatWasQueued() throws Exception {
    List<Job> jobs =
        List.of(
            new Job.IndexCommits(PROJECT, BRANCH, null, "2".repeat(40)),
            new Job.RescanBranch(PROJECT, BRANCH),
            new Job.RescanProject(PROJECT),
            new Job.ReconcileAll(),
            new Job.DeleteOrphans(),
            new Job.PostPreviews(PROJECT, 7, 2));
    for (Job job : jobs) {
      outbox.add(job);
    }
    assertThat(new Outbox(data).pending().stream().map(Outbox.Entry::job).toList())
        .containsExactlyElementsIn(jobs)
        .inOrder();
    // Every kind has a record: a new kind without one fails here, not in a site's outbox.
    assertThat(jobs.stream().map(Job::kind).toList()).containsExactlyElementsIn(Job.Kind.values());
  }

  @Test
  public void longNamesKeepWhatFits() throws Exception {
    String project = "p".repeat(120);
    String branch = "refs/heads/rel-" + "b".repeat(120);
    String name = outbox.fileName(new Job.RescanBranch(project, branch)) + ".json";
    assertThat(name.length()).isAtMost(200);
    assertThat(Outbox.replacementFor(name).toString()).isEqualTo("rescan_project " + project);
    String longer = outbox.fileName(new Job.RescanBranch("q".repeat(250), branch)) + ".json";
    assertThat(Outbox.replacementFor(longer).toString()).isEqualTo("reconcile_all");
  }

  @Test
  public void temporaryFilesOfACrashAreDeletedAtStart() throws Exception {
    writeByHand(".1764980000000-000001-3ff_RESCAN%5FPROJECT_p.json.tmp", "{\"kind\"");
    writeByHand(".1764980000000-000002-3ff.tmp", ""); // as older versions named them
    Outbox restarted = new Outbox(data);
    try (Stream<Path> s = Files.list(outboxDir())) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("failed", "unreadable");
    }
    assertThat(restarted.pending()).isEmpty();
  }

  @Test
  public void namesEncodeAndDecodeAnyProjectAndBranch() {
    for (String s : new String[] {PROJECT, BRANCH, "a/b c%d_e.f-g", "", "日本"}) {
      String encoded = Outbox.encode(s);
      assertThat(encoded).matches("[A-Za-z0-9.%-]*");
      assertThat(Outbox.decode(encoded)).isEqualTo(s);
    }
  }
}
