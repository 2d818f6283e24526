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

package com.googlesource.gerrit.plugins.imagestore.index;

import static com.google.common.truth.Truth.assertThat;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile;
import com.googlesource.gerrit.plugins.imagestore.client.LnkFile.Links;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.junit.TestRepository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.Test;

/** The scanner on a real (in-memory) JGit repository, sequential and spread over threads. */
public class LnkScannerTest {
  private static final int COMMITS = 600; // above the threshold for a parallel scan

  @Test
  public void aParallelScanFindsExactlyWhatASequentialOneFinds() throws Exception {
    InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("scan"));
    RevCommit tip;
    try (TestRepository<InMemoryRepository> git = new TestRepository<>(repo)) {
      tip = git.branch("refs/heads/master").commit().add("README.md", "base").create();
      for (int i = 0; i < COMMITS; i++) {
        TestRepository<InMemoryRepository>.CommitBuilder c =
            git.branch("refs/heads/master").commit().parent(tip);
        c.add("images/spec" + (i % 7) + "/shot" + i + ".ref.lnk", LnkFile.format(id(i)));
        // Every tenth commit also rewrites an older link; every 50th adds a malformed one.
        if (i % 10 == 9) {
          c.add(
              "images/spec" + ((i - 9) % 7) + "/shot" + (i - 9) + ".ref.lnk",
              LnkFile.format(id(-i)));
        }
        if (i % 50 == 0) {
          c.add("images/broken" + i + ".ref.lnk", "uuid=nope" + i); // distinct blobs: each counts
        }
        c.add("specs/s" + i + ".spec.js", "// not a link");
        tip = c.create();
      }
    }

    List<ReferenceInfo> sequential;
    int malformedSequential;
    try (LnkScanner scanner = new LnkScanner(repo, "p", ".lnk", 1)) {
      sequential = scanner.scan("refs/heads/master", tip, List.of());
      malformedSequential = scanner.malformed();
    }
    List<ReferenceInfo> parallel;
    int malformedParallel;
    try (LnkScanner scanner = new LnkScanner(repo, "p", ".lnk", 3)) {
      parallel = scanner.scan("refs/heads/master", tip, List.of());
      malformedParallel = scanner.malformed();
    }

    // Streamed as the commits are diffed (the first import's path): the same references in any
    // order; a second branch over the same commits gets them all again, from the scanner's cache.
    List<ReferenceInfo> streamed = new ArrayList<>();
    List<ReferenceInfo> streamedAgain = new ArrayList<>();
    try (LnkScanner scanner = new LnkScanner(repo, "p", ".lnk", 3)) {
      scanner.scan("refs/heads/master", tip, List.of(), streamed::add);
      scanner.scan("refs/heads/copy", tip, List.of(), streamedAgain::add);
    }

    assertThat(sequential).hasSize(COMMITS + COMMITS / 10);
    assertThat(keys(parallel)).containsExactlyElementsIn(keys(sequential)).inOrder();
    assertThat(keys(streamed)).containsExactlyElementsIn(keys(sequential));
    assertThat(keys(streamedAgain)).containsExactlyElementsIn(keys(sequential));
    assertThat(streamedAgain.stream().map(r -> r.branch).distinct().toList())
        .containsExactly("refs/heads/copy");
    assertThat(malformedSequential).isEqualTo(COMMITS / 50);
    assertThat(malformedParallel).isEqualTo(COMMITS / 50);
  }

  @Test
  public void everyImageALinkListsIsReferencedAndABadAltLineSkipsTheLink() throws Exception {
    InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("variants"));
    RevCommit tip;
    try (TestRepository<InMemoryRepository> git = new TestRepository<>(repo)) {
      tip =
          git.branch("refs/heads/master")
              .commit()
              .add("images/a.ref.lnk", LnkFile.format(new Links(id(1), List.of(id(2), id(3)))))
              .add("images/b.ref.lnk", "uuid=" + id(4).value() + "\nalt=" + id(5).value() + "x")
              .create();
    }
    try (LnkScanner scanner = new LnkScanner(repo, "p", ".lnk", 1)) {
      List<ReferenceInfo> refs = scanner.scan("refs/heads/master", tip, List.of());
      assertThat(refs.stream().map(r -> r.path + " " + r.uuid).toList())
          .containsExactly(
              "images/a.ref.lnk " + id(1), "images/a.ref.lnk " + id(2), "images/a.ref.lnk " + id(3))
          .inOrder();
      assertThat(scanner.malformed()).isEqualTo(1);
    }
  }

  private static ImageId id(int i) {
    return ImageId.forContent(("image " + i).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> keys(List<ReferenceInfo> refs) {
    return refs.stream().map(r -> r.commit + " " + r.path + " " + r.uuid).toList();
  }
}
