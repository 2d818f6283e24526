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

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a git fast-import stream for the benchmark repository to standard output. Deterministic:
 * the same arguments give the same stream, hence the same commit ids.
 *
 * <p>refs/heads/master: {@code commits} commits; together they add {@code links} distinct link
 * files {@code images/<spec>/<platform>/<resolution>/<browser>/<theme>/<direction>/<mode>/<name>
 * .ref.lnk} (a few per commit, grouped by spec and runtime as UIVeri5 writes them), about 30% of the
 * commits also re-record 1-3 existing links with a new uuid, and every commit changes a spec source
 * file (specs/..., not a link: noise for the suffix filter). Every link content is {@code
 * uuid=<32 hex>} without a newline, and every write gets a fresh uuid.
 *
 * <p>refs/heads/bench-push: {@code pushCommits} commits on top of master, each re-recording {@code
 * pushLinks} existing links spread over the whole tree: the "one push with N link changes" of the
 * latency benchmark (commit k's parent is commit k-1, so they can be pushed one after the other as
 * fast-forwards).
 *
 * <p>Usage: java GenRepo.java COMMITS LINKS PUSH_LINKS PUSH_COMMITS [SEED] | git fast-import
 *
 * <p>Or, for the many-projects benchmark ({@link #projects}): java GenRepo.java --projects DIR
 * COUNT BRANCHES COMMITS LINKS [SEED]
 */
public class GenRepo {
  static final String[] RUNTIMES = {
    "linux/1600x1200/chrome/sap_fiori_3/ltr/default",
    "linux/1600x1200/chrome/sap_fiori_3_dark/ltr/default",
    "linux/1600x1200/chrome/sap_fiori_3/rtl/default",
    "linux/1600x1200/firefox/sap_fiori_3/ltr/default",
    "windows/1920x1080/edge/sap_horizon/ltr/compact",
    "mac/1440x900/safari/sap_horizon/ltr/default",
  };

  final int commits;
  final int links;
  final int namesPerDir;
  final SplittableRandom rnd;
  final OutputStream out;
  long time = 1_700_000_000L;

  GenRepo(int commits, int links, long seed, OutputStream out) {
    this.commits = commits;
    this.links = links;
    // ~50 shots per spec and runtime directory, as in a real UI test suite.
    this.namesPerDir = 50;
    this.rnd = new SplittableRandom(seed);
    this.out = out;
  }

  int specs() {
    return Math.max(1, (links + RUNTIMES.length * namesPerDir - 1) / (RUNTIMES.length * namesPerDir));
  }

  /** The path of link number {@code n}: consecutive numbers share a spec and runtime directory. */
  String path(int n) {
    int perSpec = RUNTIMES.length * namesPerDir;
    int spec = n / perSpec;
    int runtime = (n % perSpec) / namesPerDir;
    int name = n % namesPerDir;
    return "images/spec" + spec + "/" + RUNTIMES[runtime] + "/shot" + name + ".ref.lnk";
  }

  String uuid() {
    return String.format("%016x%016x", rnd.nextLong(), rnd.nextLong());
  }

  void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  void data(String content) throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    write("data " + b.length + "\n");
    out.write(b);
    write("\n");
  }

  void header(String ref, String message, String from) throws IOException {
    write("commit " + ref + "\n");
    write("committer Bench <bench@example.com> " + (time++) + " +0000\n");
    data(message);
    if (from != null) {
      write("from " + from + "\n");
    }
  }

  void link(int n) throws IOException {
    write("M 100644 inline " + path(n) + "\n");
    data("uuid=" + uuid());
  }

  void run(int pushLinks, int pushCommits) throws IOException {
    master();
    pushBranch(pushLinks, pushCommits);
    write("done\n");
    out.flush();
  }

  /** refs/heads/master: the history of {@code links} links over {@code commits} commits. */
  void master() throws IOException {
    int specs = specs();
    int added = 0;
    for (int i = 0; i < commits; i++) {
      int target = (int) ((long) (i + 1) * links / commits);
      List<Integer> mods = new ArrayList<>();
      if (added > 0 && rnd.nextInt(10) < 3) {
        int k = 1 + rnd.nextInt(3);
        for (int j = 0; j < k; j++) {
          mods.add(rnd.nextInt(added));
        }
      }
      header("refs/heads/master", "Commit " + i + "\n", null);
      // The spec whose screenshots this commit records changes too.
      int spec = Math.min(added, links - 1) / (RUNTIMES.length * namesPerDir) % specs;
      write("M 100644 inline specs/spec" + spec + ".spec.js\n");
      data("// revision " + i + "\ndescribe('spec', () => it('works', () => {}));\n");
      for (; added < target; added++) {
        link(added);
      }
      for (int m : mods) {
        link(m);
      }
      write("\n");
    }
  }

  /** refs/heads/bench-push: the chain of commits the latency benchmark pushes one by one. */
  void pushBranch(int pushLinks, int pushCommits) throws IOException {
    for (int p = 0; p < pushCommits; p++) {
      header(
          "refs/heads/bench-push",
          "Re-record " + pushLinks + " screenshots (" + p + ")\n",
          p == 0 ? "refs/heads/master" : null);
      // Spread over the whole tree; each push touches different links.
      for (int j = 0; j < pushLinks; j++) {
        long n = ((long) j * links / pushLinks + p * 7L) % links;
        link((int) n);
      }
      write("\n");
    }
  }

  /**
   * refs/heads/rel-1 … rel-{@code n}: release branches off master's tip, each with one commit that
   * re-records {@code reRecord} of its links (the screenshots that differ on that release).
   */
  void releaseBranches(int n, int reRecord) throws IOException {
    for (int b = 1; b <= n; b++) {
      header("refs/heads/rel-" + b, "Release " + b + "\n", "refs/heads/master");
      for (int j = 0; j < reRecord; j++) {
        link(rnd.nextInt(links));
      }
      write("\n");
    }
  }

  /**
   * Creates {@code count} bare repositories {@code dir/p0001.git} … with git fast-import, two at a
   * time: master of {@code links} links over {@code commits} commits and
   * {@code branches - 1} release branches, each re-recording a tenth of the links; project i is
   * generated from seed + i.
   */
  static void projects(Path dir, int count, int branches, int commits, int links, long seed)
      throws Exception {
    Files.createDirectories(dir);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path repo = dir.resolve(String.format("p%04d.git", i));
      long projectSeed = seed + i;
      done.add(
          pool.submit(
              () -> {
                initBare(repo);
                Process p =
                    new ProcessBuilder("git", "--git-dir=" + repo, "fast-import", "--quiet")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                  GenRepo g = new GenRepo(commits, links, projectSeed, out);
                  g.master();
                  g.releaseBranches(branches - 1, Math.max(1, links / 10));
                  g.write("done\n");
                }
                check(p, "fast-import into " + repo);
                return null;
              }));
    }
    pool.shutdown();
    for (Future<?> f : done) {
      f.get();
    }
  }

  /** What 'git init --bare' makes, without its hook samples: a process less per project. */
  static void initBare(Path repo) throws IOException {
    Files.createDirectories(repo.resolve("objects/pack"));
    Files.createDirectories(repo.resolve("refs/heads"));
    Files.createDirectories(repo.resolve("refs/tags"));
    Files.writeString(repo.resolve("HEAD"), "ref: refs/heads/master\n");
    Files.writeString(
        repo.resolve("config"),
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n");
  }

  static void check(Process p, String what) throws InterruptedException {
    if (p.waitFor() != 0) {
      throw new IllegalStateException(what + " failed with exit code " + p.exitValue());
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--projects")) {
      if (args.length < 6) {
        System.err.println("usage: GenRepo --projects DIR COUNT BRANCHES COMMITS LINKS [SEED]");
        System.exit(2);
      }
      projects(
          Path.of(args[1]),
          Integer.parseInt(args[2]),
          Integer.parseInt(args[3]),
          Integer.parseInt(args[4]),
          Integer.parseInt(args[5]),
          args.length > 6 ? Long.parseLong(args[6]) : 42);
      return;
    }
    if (args.length < 4) {
      System.err.println("usage: GenRepo COMMITS LINKS PUSH_LINKS PUSH_COMMITS [SEED]");
      System.exit(2);
    }
    int commits = Integer.parseInt(args[0]);
    int links = Integer.parseInt(args[1]);
    int pushLinks = Integer.parseInt(args[2]);
    int pushCommits = Integer.parseInt(args[3]);
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
    if (pushLinks > links) {
      throw new IllegalArgumentException("PUSH_LINKS must not exceed LINKS");
    }
    try (OutputStream out = new BufferedOutputStream(System.out, 1 << 16)) {
      new GenRepo(commits, links, seed, out).run(pushLinks, pushCommits);
    }
  }
}
