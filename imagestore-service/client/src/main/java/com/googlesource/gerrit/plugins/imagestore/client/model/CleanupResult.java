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

package com.googlesource.gerrit.plugins.imagestore.client.model;

import java.util.ArrayList;
import java.util.List;

/** What a cleanup moved to the trash or purged, or with {@code dryRun} would have. */
public class CleanupResult {
  public boolean dryRun;

  /** How many images. */
  public int count;

  /** Their sizes added up. */
  public long size;

  /**
   * The bytes that leave the blob store when these images are purged: content that another image or
   * trash entry shares is not counted.
   */
  public long bytesFreed;

  public List<Item> images = new ArrayList<>();

  /** The selection was cut at the limit of one call: call again for the rest. */
  public boolean more;

  /** Named or selected images that were left alone, and why. */
  public List<Skipped> skipped = new ArrayList<>();

  public static class Item {
    public String uuid;
    public String sha256;
    public long size;

    /** Whether its bytes go with it (no other image or trash entry has the same content). */
    public boolean freesBytes;
  }

  public static class Skipped {
    public String uuid;
    public String error;
    public String message;
  }
}
