package com.googlesource.gerrit.plugins.imagestore.review;

import com.google.gerrit.entities.Project;
import com.google.gerrit.server.git.GitRepositoryManager;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreException;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** Builds the previews of a patch set: its link changes, resolved against the image service. */
@Singleton
public class PreviewBuilder {
  private final ImagestoreConfig config;
  private final GitRepositoryManager repos;
  private final ImagestoreConnection connection;

  @Inject
  PreviewBuilder(
      ImagestoreConfig config, GitRepositoryManager repos, ImagestoreConnection connection) {
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

  /** Previews of {@code changes}; asks the image service about every image they name. */
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
    try (ImagestoreClient client = connection.client()) {
      Map<ImageId, Boolean> exists = new HashMap<>();
      for (LinkChange c : changes) {
        info.images.add(preview(client, exists, c, info.counts));
      }
    }
    info.images.sort(ATTENTION_FIRST);
    info.summary = summary(info.counts, changes.size());
    return info;
  }

  private ImagePreview preview(
      ImagestoreClient client, Map<ImageId, Boolean> exists, LinkChange c, Counts counts)
      throws IOException {
    ImagePreview p = new ImagePreview();
    p.path = c.path();
    p.status = c.status().name().toLowerCase(Locale.ROOT);
    p.problem = c.problem();
    Optional<RuntimePath> runtime = RuntimePath.parse(c.path(), config.lnkSuffix());
    p.name = runtime.map(RuntimePath::name).orElse(fileName(c.path()));
    runtime.ifPresent(r -> p.runtime = runtimeInfo(r));
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
    }
    if (c.status() == LinkChange.Status.MODIFIED
        && p.reference != null
        && !p.reference.missing
        && p.newImage != null
        && !p.newImage.missing) {
      p.diff = diff(client, c.oldId(), c.newId());
      if (Boolean.FALSE.equals(p.diff.passed)) {
        counts.failed++;
      }
    }
    return p;
  }

  private static ImageLink link(ImagestoreClient client, Map<ImageId, Boolean> exists, ImageId id)
      throws IOException {
    ImageLink l = new ImageLink();
    l.uuid = id.value();
    l.url = client.imageUrl(id).toString();
    Boolean there = exists.get(id);
    if (there == null) {
      there = client.exists(id);
      exists.put(id, there);
    }
    l.missing = !there;
    return l;
  }

  private static DiffLink diff(ImagestoreClient client, ImageId reference, ImageId actual)
      throws IOException {
    DiffLink d = new DiffLink();
    d.url = client.diffUrl(reference, actual).toString();
    d.infoUrl = client.diffInfoUrl(reference, actual).toString();
    try {
      Optional<DiffInfo> figures = client.diffInfo(reference, actual);
      if (figures.isEmpty()) {
        // Deleted between the existence check and now.
        d.error = "the image service no longer has both images";
        return d;
      }
      d.mismatchedPixels = figures.get().mismatchedPixels;
      d.mismatchPercent = figures.get().mismatchPercentage;
      d.passed = figures.get().passed;
      d.sizeMismatch = figures.get().sizeMismatch;
    } catch (ImagestoreException e) {
      // The images exist, so this is the service's trouble: show the rest of the previews.
      d.error = e.getMessage();
    }
    return d;
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
    if (p.problem != null || (p.newImage != null && p.newImage.missing)) {
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
    if (c.invalid > 0) {
      problems.add(c.invalid + (c.invalid == 1 ? " link does not parse" : " links do not parse"));
    }
    if (!problems.isEmpty()) {
      s.append("; ").append(String.join(", ", problems));
    }
    return s.toString();
  }
}
