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

import com.google.gerrit.entities.Project;
import com.google.gerrit.server.git.GitRepositoryManager;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.remote.ImagestoreConnection;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.Counts;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.DiffLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImageLink;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.ImagePreview;
import com.googlesource.gerrit.plugins.imagestore.review.PreviewsInfo.RuntimeInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** Builds the previews of a patch set: its link changes, resolved against the image service. */
@Singleton
public class PreviewBuilder {
  private final ImagestoreConfig config;
  private final GitRepositoryManager repos;
  private final ImagestoreConnection connection;
  private final ServiceCalls serviceCalls;

  @Inject
  PreviewBuilder(
      ImagestoreConfig config,
      GitRepositoryManager repos,
      ImagestoreConnection connection,
      ServiceCalls serviceCalls) {
    this.serviceCalls = serviceCalls;
    this.config = config;
    this.repos = repos;
    this.connection = connection;
  }

  /** The link changes of a patch set's commit against its base. */
  public List<LinkChange> changes(Project.NameKey project, ObjectId commit) throws IOException {
    try (Repository repo = repos.openRepository(project)) {
      return LinkDiff.of(repo, commit, config.lnkSuffix());
    }
  }

  /**
   * Previews of {@code changes}. Asks the image service about the images of the first {@code
   * maxPreviewImages} link changes, in parallel and within {@code reviewDeadline} ({@link
   * ServiceCalls}); images it could not ask about are marked unverified, never missing.
   */
  public PreviewsInfo build(int change, int patchSet, List<LinkChange> changes) throws IOException {
    PreviewsInfo info = new PreviewsInfo();
    info.change = change;
    info.patchSet = patchSet;
    info.counts = new Counts();
    info.images = new ArrayList<>();
    if (changes.isEmpty()) {
      info.summary = "no images changed";
      return info;
    }
    try (ImagestoreClient client = connection.interactiveClient()) {
      List<LinkChange> checked =
          changes.subList(0, Math.min(changes.size(), config.maxPreviewImages()));
      Map<ImageId, ServiceCalls.Outcome<Boolean>> exists = existence(client, checked);
      List<ImagePreview> previews = new ArrayList<>();
      for (int i = 0; i < changes.size(); i++) {
        previews.add(
            preview(client, i < checked.size() ? exists : Map.of(), changes.get(i), info.counts));
      }
      diffs(client, changes, previews, info.counts);
      info.images.addAll(previews);
      if (changes.size() > checked.size()) {
        info.serviceProblem =
            "only the first " + checked.size() + " images were checked (maxPreviewImages)";
      }
      if (info.serviceProblem == null && info.counts.unverified > 0) {
        info.serviceProblem =
            info.images.stream()
                .map(
                    p ->
                        p.newImage != null && p.newImage.problem != null
                            ? p.newImage.problem
                            : null)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse("the image service could not be asked");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the image service", e);
    }
    info.images.sort(ATTENTION_FIRST);
    info.summary = summary(info.counts, changes.size());
    return info;
  }

  private Map<ImageId, ServiceCalls.Outcome<Boolean>> existence(
      ImagestoreClient client, List<LinkChange> changes) throws InterruptedException {
    Set<ImageId> ids = new LinkedHashSet<>();
    for (LinkChange c : changes) {
      if (c.oldId() != null) {
        ids.add(c.oldId());
      }
      ids.addAll(c.newIds());
    }
    List<ImageId> order = new ArrayList<>(ids);
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (ImageId id : order) {
      calls.add(() -> client.exists(id));
    }
    List<ServiceCalls.Outcome<Boolean>> outcomes = calls(calls);
    Map<ImageId, ServiceCalls.Outcome<Boolean>> out = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      out.put(order.get(i), outcomes.get(i));
    }
    return out;
  }

  private <T> List<ServiceCalls.Outcome<T>> calls(List<Callable<T>> calls)
      throws InterruptedException {
    return serviceCalls.runAll(calls);
  }

  private ImagePreview preview(
      ImagestoreClient client,
      Map<ImageId, ServiceCalls.Outcome<Boolean>> exists,
      LinkChange c,
      Counts counts) {
    ImagePreview p = new ImagePreview();
    locate(p, c.path(), config.lnkSuffix());
    p.status = c.status().name().toLowerCase(Locale.ROOT);
    p.problem = c.problem();
    switch (c.status()) {
      case ADDED -> counts.added++;
      case MODIFIED -> counts.modified++;
      case DELETED -> counts.deleted++;
    }
    if (c.problem() != null) {
      counts.invalid++;
    }
    if (c.oldId() != null) {
      p.reference = link(client, exists, c.oldId());
    }
    if (c.newId() != null) {
      p.newImage = link(client, exists, c.newId());
      if (p.newImage.missing) {
        counts.missing++;
      }
      if (p.newImage.problem != null) {
        counts.unverified++;
      }
    }
    if (!c.newVariants().isEmpty()) {
      p.variants = new ArrayList<>();
      for (ImageId variant : c.newVariants()) {
        ImageLink v = link(client, exists, variant);
        p.variants.add(v);
        if (v.missing) {
          counts.missing++;
        }
      }
    }
    return p;
  }

  /** The figures of every modified pair whose two images are there, within the deadline. */
  private void diffs(
      ImagestoreClient client, List<LinkChange> changes, List<ImagePreview> previews, Counts counts)
      throws InterruptedException {
    List<Callable<Optional<DiffInfo>>> calls = new ArrayList<>();
    List<Integer> which = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      LinkChange c = changes.get(i);
      ImagePreview p = previews.get(i);
      if (c.status() == LinkChange.Status.MODIFIED
          && p.reference != null
          && isThere(p.reference)
          && p.newImage != null
          && isThere(p.newImage)
          && !c.newId().equals(c.oldId())) {
        p.diff = new DiffLink();
        p.diff.url = client.diffUrl(c.oldId(), c.newId()).toString();
        p.diff.infoUrl = client.diffInfoUrl(c.oldId(), c.newId()).toString();
        calls.add(() -> client.diffInfo(c.oldId(), c.newId()));
        which.add(i);
      }
    }
    List<ServiceCalls.Outcome<Optional<DiffInfo>>> outcomes = calls(calls);
    for (int k = 0; k < which.size(); k++) {
      DiffLink d = previews.get(which.get(k)).diff;
      ServiceCalls.Outcome<Optional<DiffInfo>> o = outcomes.get(k);
      if (!o.ok()) {
        // The images exist, so this is the service's trouble: show the rest of the previews.
        d.error = o.problem();
      } else if (o.value().isEmpty()) {
        // Deleted between the existence check and now.
        d.error = "the image service no longer has both images";
      } else {
        DiffInfo figures = o.value().get();
        d.mismatchedPixels = figures.mismatchedPixels;
        d.mismatchPercent = figures.mismatchPercentage;
        d.passed = figures.passed;
        d.sizeMismatch = figures.sizeMismatch;
        if (Boolean.FALSE.equals(d.passed)) {
          counts.failed++;
        }
      }
    }
  }

  private static boolean isThere(ImageLink l) {
    return !l.missing && l.problem == null;
  }

  private static ImageLink link(
      ImagestoreClient client, Map<ImageId, ServiceCalls.Outcome<Boolean>> exists, ImageId id) {
    ImageLink l = new ImageLink();
    l.uuid = id.value();
    l.url = client.imageUrl(id).toString();
    ServiceCalls.Outcome<Boolean> there = exists.get(id);
    if (there == null) {
      l.problem = "not checked: more than maxPreviewImages images";
    } else if (!there.ok()) {
      l.problem = there.problem();
    } else {
      l.missing = !there.value();
    }
    return l;
  }

  /** Sets the path of a preview and what it tells: the name and, in UIVeri5's layout, runtime. */
  static void locate(ImagePreview p, String path, String lnkSuffix) {
    p.path = path;
    Optional<RuntimePath> runtime = RuntimePath.parse(path, lnkSuffix);
    p.name = runtime.map(RuntimePath::name).orElse(fileName(path));
    runtime.ifPresent(r -> p.runtime = runtimeInfo(r));
  }

  private static RuntimeInfo runtimeInfo(RuntimePath r) {
    RuntimeInfo i = new RuntimeInfo();
    i.spec = r.spec();
    i.platform = r.platform();
    i.resolution = r.resolution();
    i.browser = r.browser();
    i.theme = r.theme();
    i.direction = r.direction();
    i.mode = r.mode();
    return i;
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Problems first, then failing and most changed, then added, then deleted; then by path. */
  static final Comparator<ImagePreview> ATTENTION_FIRST =
      Comparator.comparingInt(PreviewBuilder::rank)
          .thenComparing(
              p -> p.diff == null || p.diff.mismatchPercent == null ? 0 : -p.diff.mismatchPercent)
          .thenComparing(p -> p.path);

  private static int rank(ImagePreview p) {
    if (p.problem != null
        || (p.newImage != null && (p.newImage.missing || p.newImage.problem != null))
        || (p.variants != null && p.variants.stream().anyMatch(v -> v.missing))) {
      return 0;
    }
    if (p.diff != null && Boolean.FALSE.equals(p.diff.passed)) {
      return 1;
    }
    return switch (p.status) {
      case "modified" -> 2;
      case "added" -> 3;
      default -> 4;
    };
  }

  static String summary(Counts c, int total) {
    StringBuilder s = new StringBuilder();
    s.append(total).append(total == 1 ? " image changed: " : " images changed: ");
    List<String> parts = new ArrayList<>();
    if (c.modified > 0) {
      parts.add(c.modified + " modified" + (c.failed > 0 ? " (" + c.failed + " failing)" : ""));
    }
    if (c.added > 0) {
      parts.add(c.added + " added");
    }
    if (c.deleted > 0) {
      parts.add(c.deleted + " deleted");
    }
    s.append(String.join(", ", parts));
    List<String> problems = new ArrayList<>();
    if (c.missing > 0) {
      problems.add(c.missing + " missing in the image service");
    }
    if (c.unverified > 0) {
      problems.add(c.unverified + " not verified (the image service could not be asked)");
    }
    if (c.invalid > 0) {
      problems.add(c.invalid + (c.invalid == 1 ? " link does not parse" : " links do not parse"));
    }
    if (!problems.isEmpty()) {
      s.append("; ").append(String.join(", ", problems));
    }
    return s.toString();
  }
}
