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

package com.googlesource.gerrit.plugins.imagestore.service.trash;

import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.images.ImageRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What a cleanup (orphans to the trash, or a purge) did, or with {@code dryRun} would do: the
 * images it handled, the bytes that leave the blob store, whether the selection was cut at the
 * limit of one call ({@code more}), and the images it left alone and why.
 */
public record CleanupOutcome(
    boolean dryRun, List<Cleaned> images, long bytesFreed, boolean more, List<Skipped> skipped) {
  /** Images one cleanup call handles at most; the caller calls again for the rest. */
  public static final int MAX_IMAGES = 10_000;

  /** An image the cleanup handled; {@code freesBytes}: no other image or entry holds its bytes. */
  public record Cleaned(ImageRecord image, boolean freesBytes) {}

  /** An image left alone: the machine code and message of the refusal. */
  public record Skipped(String uuid, String code, String message) {}

  /** The sizes of the handled images added up. */
  public long size() {
    return images.stream().mapToLong(c -> c.image().size()).sum();
  }

  public static Builder builder(boolean dryRun) {
    return new Builder(dryRun);
  }

  /** Collects an outcome while the trash and the orphans' cleanup work through their images. */
  public static final class Builder {
    private final boolean dryRun;
    private final List<Cleaned> images = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private long bytesFreed;
    private boolean more;

    private Builder(boolean dryRun) {
      this.dryRun = dryRun;
    }

    void cleaned(ImageRecord image, boolean freesBytes, long bytesFreed) {
      images.add(new Cleaned(image, freesBytes));
      this.bytesFreed += bytesFreed;
    }

    /** Notes that an image was left alone, and why. */
    public Builder skip(String uuid, DomainException why) {
      skipped.add(new Skipped(uuid, why.code(), why.getMessage()));
      return this;
    }

    public Builder more(boolean more) {
      this.more = more;
      return this;
    }

    public CleanupOutcome build() {
      return new CleanupOutcome(
          dryRun, List.copyOf(images), bytesFreed, more, List.copyOf(skipped));
    }
  }
}
