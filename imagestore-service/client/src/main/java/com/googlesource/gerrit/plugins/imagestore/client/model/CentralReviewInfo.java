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

import com.google.gson.annotations.SerializedName;

/** The answer of {@code POST /projects/{project}/imagestore~reviews}. */
public class CentralReviewInfo {
  /** The change's number; 0 when nothing was to be done and no open change exists. */
  @SerializedName("_number")
  public int number;

  @SerializedName("change_id")
  public String changeId;

  /** The change on the Gerrit web UI. */
  public String url;

  /** Whether this call created the change (false: it added a patch set, or did nothing). */
  public boolean created;

  /** The change's current patch set after the call. */
  @SerializedName("patch_set")
  public int patchSet;

  /**
   * True when nothing was new: the links already name these images in the open change's current
   * patch set or on the branch, so no patch set was made.
   */
  public boolean unchanged;

  /** The account added as reviewer, if any. */
  public String reviewer;

  /** Why no reviewer was added, when one could not be: adding a reviewer never fails the call. */
  @SerializedName("reviewer_error")
  public String reviewerError;
}
