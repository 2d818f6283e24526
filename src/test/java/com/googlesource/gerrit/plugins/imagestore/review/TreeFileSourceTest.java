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

package com.googlesource.gerrit.plugins.imagestore.review;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.compare.Comparison;
import com.googlesource.gerrit.plugins.imagestore.client.compare.ComparisonConfig;
import com.googlesource.gerrit.plugins.imagestore.client.compare.ComparisonConfigs;
import com.googlesource.gerrit.plugins.imagestore.client.compare.ConfigProblem;
import com.googlesource.gerrit.plugins.imagestore.client.compare.InvalidConfigException;
import com.googlesource.gerrit.plugins.imagestore.client.compare.Resolution;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.junit.TestRepository;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.Test;

/** Configuration files read from a commit's tree in a real (in-memory) git repository. */
public class TreeFileSourceTest {
  @Test
  public void readsFilesOfTheTreeBoundedAndRefusesWhatIsNoFile() throws Exception {
    try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("r"));
        TestRepository<InMemoryRepository> git = new TestRepository<>(repo);
        RevWalk rw = new RevWalk(repo)) {
      String big = "{\"threshold\": 0.2}" + " ".repeat(100_000);
      RevCommit commit =
          git.commit()
              .add(".imagestore.json", big)
              .add("images/.imagestore.json", "{\"maxMismatchedPixels\": 10}")
              .add("images/login/.imagestore.json/oops", "a directory of that name")
              .edit(
                  new org.eclipse.jgit.dircache.DirCacheEditor.PathEdit(
                      "images/cart/.imagestore.json") {
                    @Override
                    public void apply(org.eclipse.jgit.dircache.DirCacheEntry ent) {
                      ent.setFileMode(FileMode.SYMLINK);
                      try {
                        ent.setObjectId(git.blob("../.imagestore.json"));
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    }
                  })
              .create();
      TreeFileSource source =
          new TreeFileSource(rw.getObjectReader(), rw.parseCommit(commit).getTree());

      assertThat(new String(source.read("images").orElseThrow(), UTF_8))
          .isEqualTo("{\"maxMismatchedPixels\": 10}");
      assertThat(source.read("")).isPresent();
      assertThat(source.read("").orElseThrow()).hasLength(ComparisonConfig.MAX_BYTES + 1);
      assertThat(source.read("images/none")).isEmpty();
      assertThat(
              assertThrows(InvalidConfigException.class, () -> source.read("images/login"))
                  .reason())
          .isEqualTo("a directory, not a file");
      assertThat(
              assertThrows(InvalidConfigException.class, () -> source.read("images/cart")).reason())
          .isEqualTo("a symbolic link, not a file");

      Resolution login = ComparisonConfigs.resolve("images/login/x/form.ref.lnk", source);
      assertThat(login.comparison()).isEqualTo(Comparison.DEFAULT.withMaxMismatchedPixels(10));
      assertThat(login.problems())
          .containsExactly(
              new ConfigProblem("images/login/.imagestore.json", "a directory, not a file"),
              new ConfigProblem(".imagestore.json", "larger than 64 KiB"))
          .inOrder();
    }
  }
}
