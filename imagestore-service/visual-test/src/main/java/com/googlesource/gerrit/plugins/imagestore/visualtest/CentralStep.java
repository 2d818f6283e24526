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

package com.googlesource.gerrit.plugins.imagestore.visualtest;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code --central}: asks Gerrit for one review per test and runtime with updated links. */
final class CentralStep {
  /** What the step did: review calls made, and tests and runtimes that got no review. */
  record Reviews(int requested, int failed) {
    static final Reviews NONE = new Reviews(0, 0);
  }

  /** A test on a runtime: what one review is about. */
  private record TestRun(String spec, String runtime) {
    static final Comparator<TestRun> ORDER =
        Comparator.comparing(TestRun::spec).thenComparing(TestRun::runtime);

    @Override
    public String toString() {
      return spec + " " + runtime;
    }
  }

  private final Workflow.Central central;
  private final PrintStream out;
  private final PrintStream err;

  CentralStep(Workflow.Central central, PrintStream out, PrintStream err) {
    this.central = central;
    this.out = out;
    this.err = err;
  }

  /**
   * @param updated the images whose links were updated
   * @param notUploaded the ids the upload step could not store: a review would name them in vain
   */
  Reviews run(List<ImageResult> results, Set<ImageKey> updated, Set<ImageId> notUploaded) {
    Path repoRoot = central.repoRoot().toAbsolutePath().normalize();
    Map<TestRun, List<ImageResult>> groups = new TreeMap<>(TestRun.ORDER);
    for (ImageResult r : results) {
      if (updated.contains(r.key())) {
        groups
            .computeIfAbsent(new TestRun(r.key().spec(), r.key().runtime()), k -> new ArrayList<>())
            .add(r);
      }
    }
    int requested = 0;
    int failed = 0;
    for (Map.Entry<TestRun, List<ImageResult>> group : groups.entrySet()) {
      TestRun run = group.getKey();
      if (group.getValue().stream().anyMatch(r -> notUploaded.contains(r.actual()))) {
        failed++;
        err.println("imagestore: no review for " + run + ": some of its images were not uploaded");
        continue;
      }
      CentralReviewInput in = input(run, group.getValue(), repoRoot);
      if (in == null) {
        failed++;
        err.println("imagestore: no review for " + run + ": its links are outside " + repoRoot);
        continue;
      }
      requested++;
      if (!request(run, in)) {
        failed++;
      }
    }
    return new Reviews(requested, failed);
  }

  /** The review of {@code run}'s new links; null when a link is outside the repository. */
  private CentralReviewInput input(TestRun run, List<ImageResult> group, Path repoRoot) {
    CentralReviewInput in = new CentralReviewInput();
    in.branch = central.branch();
    in.test = run.spec();
    in.runtime = run.runtime();
    in.responsible = central.responsible();
    in.message = central.message();
    in.images = new TreeMap<>();
    for (ImageResult r : group) {
      Path lnk = r.image().lnk().toAbsolutePath().normalize();
      if (!lnk.startsWith(repoRoot)) {
        return null;
      }
      in.images.put(repoRoot.relativize(lnk).toString().replace('\\', '/'), r.actual().value());
    }
    return in;
  }

  /** Asks for the review and prints where it is; false when the call failed. */
  private boolean request(TestRun run, CentralReviewInput in) {
    try {
      CentralReviewInfo info = central.gerrit().createReview(central.project(), in);
      String state =
          info.unchanged
              ? "unchanged"
              : info.created
                  ? "new change " + info.number
                  : "change " + info.number + " patch set " + info.patchSet;
      out.println("review  " + run + ": " + info.url + " (" + state + ")");
      if (info.reviewerError != null) {
        err.println("imagestore: " + run + ": no reviewer added: " + info.reviewerError);
      }
      return true;
    } catch (IOException e) {
      err.println("imagestore: review for " + run + " failed: " + e.getMessage());
      return false;
    }
  }
}
