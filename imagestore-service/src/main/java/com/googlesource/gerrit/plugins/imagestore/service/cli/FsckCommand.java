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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck.Finding;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck.Options;
import com.googlesource.gerrit.plugins.imagestore.service.fsck.ConsistencyCheck.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fsck}: checks that every image and trash entry has its bytes and that nothing is stored
 * that no row names; with {@code --repair}, repairs what can be repaired. Exit 0: clean (after the
 * repair); 1: problems remain; 2: the check could not run.
 */
@Command(
    name = "fsck",
    mixinStandardHelpOptions = true,
    description = {
      "Check the store: every image and trash entry has its bytes (of the recorded size), nothing"
          + " is stored that no row names, no deletion or upload a crash interrupted is left"
          + " over. Safe while the service runs on PostgreSQL (the embedded database needs it"
          + " stopped).",
      "Exit status: 0 clean, 1 problems found (remaining after --repair), 2 the check failed."
    })
final class FsckCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Option(
      names = "--repair",
      description =
          "Repair what can be: finish interrupted deletions, free abandoned uploads, delete stray"
              + " bytes and stale spool files, adopt bytes whose row is missing. Missing or"
              + " damaged bytes cannot be repaired: they are reported.")
  boolean repair;

  @Option(
      names = "--verify-content",
      description = "Also read every stored blob and check its SHA-256 (slow on a large store).")
  boolean verifyContent;

  @Option(
      names = "--grace",
      paramLabel = "AGE",
      defaultValue = "1h",
      converter = ServeCommand.DurationConverter.class,
      description =
          "Bytes without a row and unfinished uploads younger than this are uploads in flight, not"
              + " problems (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Report report;
    try {
      report = check(out, err);
    } catch (IOException | RuntimeException e) {
      err.println("fsck: the check failed: " + e);
      return 2;
    }
    return print(report, out);
  }

  private Report check(PrintStream out, PrintStream err) throws IOException {
    try (Imagestore imagestore = Imagestore.openForCheck(store.toConfig())) {
      out.println("fsck: checking " + imagestore.blobs().describe());
      long[] lastPrint = {System.nanoTime()};
      return imagestore
          .consistency()
          .run(
              new Options(repair, verifyContent, grace),
              p -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] > 2_000_000_000L || p.slicesDone() == p.slices()) {
                  lastPrint[0] = now;
                  err.printf(
                      "fsck: %3d%% (%d blobs, %d rows checked)%n",
                      p.slicesDone() * 100 / p.slices(), p.blobs(), p.rows());
                }
              });
    }
  }

  private int print(Report report, PrintStream out) {
    out.printf("fsck: %d stored blobs, %d rows checked%n", report.blobsSeen(), report.rowsSeen());
    for (Finding f : Finding.values()) {
      long found = report.found(f);
      if (found == 0) {
        continue;
      }
      String repaired = repair && f.repairable ? ", " + report.repaired(f) + " repaired" : "";
      out.printf(
          "%s %s: %d%s%n", f.problem ? "PROBLEM" : "note   ", f.description, found, repaired);
      for (String example : report.examples(f)) {
        out.println("    " + example);
      }
      if (found > report.examples(f).size()) {
        out.println("    …");
      }
    }
    long remaining = report.remainingProblems();
    if (remaining == 0) {
      out.println("fsck: clean");
      return 0;
    }
    out.println(
        "fsck: "
            + remaining
            + " problem(s)"
            + (repair ? " remain" : "; run with --repair to repair what can be repaired"));
    return 1;
  }
}
