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
import com.googlesource.gerrit.plugins.imagestore.client.ImagestoreClient;
import com.googlesource.gerrit.plugins.imagestore.client.model.SpecInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadMeta;
import com.googlesource.gerrit.plugins.imagestore.visualtest.ImageResult.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code --upload}: stores what the service lacks of the new images and the diff pictures, with
 * UIVeri5's metadata.
 */
final class UploadStep {
  /** What the step did; {@code failed} are the ids that could not be uploaded. */
  record Uploads(int uploaded, int alreadyStored, Set<ImageId> failed) {
    static final Uploads NONE = new Uploads(0, 0, Set.of());
  }

  private record Candidate(ImageId id, Path file, ImageKey key) {}

  private final ImagestoreClient client;

  /** The branch the specs' metadata names, or null. */
  private final String branch;

  private final PrintStream out;
  private final PrintStream err;

  UploadStep(ImagestoreClient client, String branch, PrintStream out, PrintStream err) {
    this.client = client;
    this.branch = branch;
    this.out = out;
    this.err = err;
  }

  Uploads run(List<ImageResult> results, ExecutorService pool) throws InterruptedException {
    Map<ImageId, Candidate> candidates = candidates(results);
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger present = new AtomicInteger();
    Set<ImageId> failed = ConcurrentHashMap.newKeySet();
    List<Future<?>> futures = new ArrayList<>();
    for (Candidate c : candidates.values()) {
      futures.add(
          pool.submit(
              (Callable<Void>)
                  () -> {
                    try {
                      if (client.exists(c.id())) {
                        present.incrementAndGet();
                      } else if (client.upload(c.file(), meta(c.key())).created()) {
                        uploaded.incrementAndGet();
                      } else {
                        present.incrementAndGet();
                      }
                    } catch (IOException e) {
                      failed.add(c.id());
                      err.println("imagestore: cannot upload " + c.file() + ": " + e.getMessage());
                    }
                    return null;
                  }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("uploading failed unexpectedly", e.getCause());
      }
    }
    out.printf(
        Locale.ROOT,
        "uploaded %d image(s), %d already stored%s%n",
        uploaded.get(),
        present.get(),
        failed.isEmpty() ? "" : ", " + failed.size() + " failed");
    return new Uploads(uploaded.get(), present.get(), failed);
  }

  /** The images to store, each once, in the order of the results. */
  private Map<ImageId, Candidate> candidates(List<ImageResult> results) {
    Map<ImageId, Candidate> candidates = new LinkedHashMap<>();
    for (ImageResult r : results) {
      boolean identical = r.status() == Status.PASSED && r.actual().equals(r.matched());
      if (r.status().needsNewReference() || identical) {
        // The new image, a new reference or variant (for an identical one: the listed image
        // itself, in case the service lost it).
        candidates.putIfAbsent(r.actual(), new Candidate(r.actual(), r.image().actual(), r.key()));
      }
      if (r.status() == Status.FAILED) {
        try {
          ImageId diffId = ImageId.forContent(Files.readAllBytes(r.diffPng()));
          candidates.putIfAbsent(diffId, new Candidate(diffId, r.diffPng(), r.key()));
        } catch (IOException e) {
          err.println("imagestore: cannot read " + r.diffPng() + ": " + e.getMessage());
        }
      }
    }
    return candidates;
  }

  /** UIVeri5's upload metadata, from the path. */
  private UploadMeta meta(ImageKey key) {
    String[] rt = key.runtime().split("/", -1);
    UploadMeta meta = new UploadMeta();
    meta._meta = new UploadMeta.Meta();
    meta._meta.spec = new SpecInfo();
    meta._meta.spec.name = key.spec();
    meta._meta.spec.branch = branch;
    UploadMeta.Uiveri5Runtime runtime = new UploadMeta.Uiveri5Runtime();
    runtime.platformName = rt[0];
    runtime.platformResolution = rt[1];
    runtime.browserName = rt[2];
    runtime.ui5 = new UploadMeta.Ui5();
    runtime.ui5.theme = rt[3];
    runtime.ui5.direction = rt[4];
    runtime.ui5.mode = rt[5];
    meta._meta.runtime = runtime;
    return meta;
  }
}
