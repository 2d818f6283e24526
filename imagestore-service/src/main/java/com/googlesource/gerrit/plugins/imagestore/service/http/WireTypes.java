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

package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.client.ReferenceBuckets;
import com.googlesource.gerrit.plugins.imagestore.client.model.AuditEntryInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.CleanupResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.OrphanSweepResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceBucketInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.RegionInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.SettingsInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ShiftInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.SpecInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.TrashInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadMeta;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadResult;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.PassRule;
import com.googlesource.gerrit.plugins.imagestore.diff.Shift;
import com.googlesource.gerrit.plugins.imagestore.service.audit.AuditEntry;
import com.googlesource.gerrit.plugins.imagestore.service.config.Durations;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageReference;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageService;
import com.googlesource.gerrit.plugins.imagestore.service.images.StoredImage;
import com.googlesource.gerrit.plugins.imagestore.service.images.TestSpec;
import com.googlesource.gerrit.plugins.imagestore.service.orphans.SweepOutcome;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceChanges;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceSet;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeRecord;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.TestRuntime;
import com.googlesource.gerrit.plugins.imagestore.service.trash.CleanupOutcome;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashRecord;
import com.googlesource.gerrit.plugins.imagestore.service.trash.TrashedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place where the domain's records become the client library's wire types ({@code
 * client.model}) and request bodies become domain arguments. Endpoints call it; nothing outside
 * {@code http/} (and the command line, a client) knows the wire types. Public for the command
 * line's {@code diff --json}, which prints what the diff endpoint answers.
 */
public final class WireTypes {
  private WireTypes() {}

  // Images, the trash and orphans.

  /** An image as lists show it: {@code referenced} from its orphan mark, no references. */
  static ImageInfo imageInfo(ImageRecord r) {
    return fill(new ImageInfo(), r);
  }

  /** One image read by id: with the references that name it, {@code referenced} from them. */
  static ImageInfo imageInfo(StoredImage s) {
    ImageInfo info = imageInfo(s.image());
    withReferences(info, s.references());
    return info;
  }

  /** A trash entry as the trash list shows it: not referenced, no references. */
  static TrashInfo trashInfo(TrashRecord t) {
    TrashInfo info = fill(new TrashInfo(), t.image());
    info.referenced = false;
    info.references = new ArrayList<>();
    info.trashedAt = Instant.ofEpochMilli(t.trashedAt());
    info.trashedBy = t.trashedBy();
    info.purgeAfter = Instant.ofEpochMilli(t.purgeAfter());
    return info;
  }

  /** One trash entry read by id: with the references that name its image now. */
  static TrashInfo trashInfo(TrashedImage t) {
    TrashInfo info = trashInfo(t.entry());
    withReferences(info, t.references());
    return info;
  }

  private static <T extends ImageInfo> T fill(T info, ImageRecord r) {
    info.uuid = r.uuid();
    info.sha256 = r.sha256();
    info.size = r.size();
    info.width = r.width();
    info.height = r.height();
    info.createdAt = Instant.ofEpochMilli(r.createdAt());
    info.uploadedBy = r.uploadedBy();
    info.spec = specInfo(r.spec());
    info.runtime = runtimeInfo(r.runtime());
    info.orphanedAt = r.orphanedAt() == null ? null : Instant.ofEpochMilli(r.orphanedAt());
    info.referenced = r.orphanedAt() == null;
    return info;
  }

  private static void withReferences(ImageInfo info, List<ImageReference> references) {
    info.references = new ArrayList<>(references.stream().map(WireTypes::referenceInfo).toList());
    info.referenced = !info.references.isEmpty();
  }

  private static SpecInfo specInfo(TestSpec spec) {
    if (spec == null) {
      return null;
    }
    SpecInfo info = new SpecInfo();
    info.lib = spec.lib();
    info.name = spec.name();
    info.branch = spec.branch();
    return info;
  }

  static UploadResult uploadResult(String uuid) {
    UploadResult result = new UploadResult();
    result.uuid = uuid;
    return result;
  }

  /** The spec and runtime of an upload's UIVeri5 metadata; none when it has none. */
  static ImageService.Metadata metadata(UploadMeta meta) {
    if (meta == null) {
      return ImageService.Metadata.NONE;
    }
    SpecInfo spec = meta.spec();
    return new ImageService.Metadata(
        spec == null ? null : new TestSpec(spec.lib, spec.name, spec.branch),
        testRuntime(meta.toRuntime()));
  }

  static CleanupResult cleanupResult(CleanupOutcome o) {
    CleanupResult result = new CleanupResult();
    result.dryRun = o.dryRun();
    result.count = o.images().size();
    result.size = o.size();
    result.bytesFreed = o.bytesFreed();
    for (CleanupOutcome.Cleaned c : o.images()) {
      CleanupResult.Item item = new CleanupResult.Item();
      item.uuid = c.image().uuid();
      item.sha256 = c.image().sha256();
      item.size = c.image().size();
      item.freesBytes = c.freesBytes();
      result.images.add(item);
    }
    result.more = o.more();
    for (CleanupOutcome.Skipped s : o.skipped()) {
      CleanupResult.Skipped skipped = new CleanupResult.Skipped();
      skipped.uuid = s.uuid();
      skipped.error = s.code();
      skipped.message = s.message();
      result.skipped.add(skipped);
    }
    return result;
  }

  static OrphanSweepResult sweepResult(SweepOutcome o) {
    OrphanSweepResult result = new OrphanSweepResult();
    result.marked = o.marked();
    result.cleared = o.cleared();
    result.restored = o.restored();
    return result;
  }

  // References.

  static ReferenceInfo referenceInfo(ImageReference r) {
    return new ReferenceInfo(r.project(), r.branch(), r.commit(), r.path(), r.uuid());
  }

  /** A request's references as domain records; null stays null (the domain refuses it). */
  static List<ImageReference> references(List<ReferenceInfo> in) {
    if (in == null) {
      return null;
    }
    List<ImageReference> out = new ArrayList<>(in.size());
    for (ReferenceInfo r : in) {
      out.add(r == null ? null : new ImageReference(r.project, r.branch, r.commit, r.path, r.uuid));
    }
    return out;
  }

  static ReferencesResult referencesResult(ReferenceChanges changes) {
    ReferencesResult result = new ReferencesResult();
    result.added = changes.added();
    result.removed = changes.removed();
    result.restored = changes.restored();
    return result;
  }

  static ReferenceSetInfo referenceSetInfo(ReferenceSet set) {
    ReferenceSetInfo info = new ReferenceSetInfo();
    info.project = set.project();
    info.branch = set.branch();
    info.count = set.count();
    info.digest = set.digest();
    if (set.bucketCount() != null) {
      info.buckets = set.bucketCount();
      info.bucketDigests = new ArrayList<>();
      for (Map.Entry<Integer, ReferenceBuckets.Digest> e : set.buckets().entrySet()) {
        ReferenceBucketInfo bucket = new ReferenceBucketInfo();
        bucket.bucket = e.getKey();
        bucket.count = e.getValue().count();
        bucket.digest = e.getValue().digest();
        info.bucketDigests.add(bucket);
      }
    }
    return info;
  }

  // Runtimes.

  /** A registered runtime: its id, dimensions and description. */
  static RuntimeInfo runtimeInfo(RuntimeRecord r) {
    RuntimeInfo info = runtimeInfo(r.runtime());
    info.id = r.id();
    info.description = r.description();
    return info;
  }

  /** An image's runtime: the dimensions only. */
  private static RuntimeInfo runtimeInfo(TestRuntime r) {
    if (r == null) {
      return null;
    }
    RuntimeInfo info = new RuntimeInfo();
    info.platform = r.platform();
    info.resolution = r.resolution();
    info.browser = r.browser();
    info.theme = r.theme();
    info.direction = r.direction();
    info.mode = r.mode();
    return info;
  }

  /** A runtime to save; its id is the one the caller expects, or null. */
  static RuntimeRecord runtimeRecord(RuntimeInfo in) {
    return in == null ? null : new RuntimeRecord(in.id, testRuntime(in), in.description);
  }

  private static TestRuntime testRuntime(RuntimeInfo in) {
    return in == null
        ? null
        : new TestRuntime(in.platform, in.resolution, in.browser, in.theme, in.direction, in.mode);
  }

  // Diffs.

  /**
   * The diff engine's figures with the verdict of {@code rule}; the ids are null when the command
   * line compared local files.
   */
  public static DiffInfo diffInfo(
      DiffResult result, DiffOptions options, PassRule rule, String uuidA, String uuidB) {
    DiffInfo info = new DiffInfo();
    info.uuidA = uuidA;
    info.uuidB = uuidB;
    info.width = result.width();
    info.height = result.height();
    info.mismatchedPixels = result.mismatchedPixels();
    info.mismatchPercentage = result.mismatchPercentage();
    info.antialiasedPixels = result.antialiasedPixels();
    info.sizeMismatch = result.sizeMismatch();
    info.identical = result.identical();
    info.passed = result.passes(rule);
    info.threshold = options.threshold();
    info.includeAntialiasing = !options.detectAntialiasing();
    info.maxMismatchPercentage = rule.maxMismatchPercentage();
    info.maxMismatchedPixels = rule.maxMismatchedPixels();
    info.allowedMismatchedPixels = rule.allowedMismatchedPixels(result.totalPixels());
    info.ignore =
        options.ignore().stream()
            .map(r -> new RegionInfo(r.x(), r.y(), r.width(), r.height()))
            .toList();
    info.ignoredPixels = result.ignoredPixels();
    info.shifts = new ArrayList<>(result.shifts().size());
    for (Shift s : result.shifts()) {
      ShiftInfo shift = new ShiftInfo();
      shift.x = s.x();
      shift.y = s.y();
      shift.width = s.width();
      shift.height = s.height();
      shift.dx = s.dx();
      shift.dy = s.dy();
      shift.mismatchedPixels = s.mismatchedPixels();
      info.shifts.add(shift);
    }
    info.shiftedPixels = result.shiftedPixels();
    return info;
  }

  // The audit log and the settings.

  static AuditEntryInfo auditEntryInfo(AuditEntry e) {
    AuditEntryInfo info = new AuditEntryInfo();
    info.id = e.id();
    info.at = Instant.ofEpochMilli(e.at());
    info.actor = e.actor();
    info.address = e.address();
    info.action = e.action();
    info.uuid = e.uuid();
    info.sha256 = e.sha256();
    info.size = e.size();
    info.bytesFreed = e.bytesFreed();
    info.detail = e.detail();
    return info;
  }

  static SettingsInfo settingsInfo(String user, ServiceConfig config) {
    SettingsInfo info = new SettingsInfo();
    info.user = user;
    info.orphanGracePeriod = Durations.format(config.orphanGracePeriod());
    info.orphanGracePeriodSeconds = config.orphanGracePeriod().toSeconds();
    info.trashRetention = Durations.format(config.trashRetention());
    info.trashRetentionSeconds = config.trashRetention().toSeconds();
    info.trashPurgeInterval = Durations.format(config.trashPurgeInterval());
    info.trashPurgeIntervalSeconds = config.trashPurgeInterval().toSeconds();
    return info;
  }
}
