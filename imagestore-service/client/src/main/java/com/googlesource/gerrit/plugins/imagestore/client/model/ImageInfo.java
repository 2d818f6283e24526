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

import java.time.Instant;
import java.util.List;

/** Everything the service knows about one image ({@code GET /images/{uuid}/info}). */
public class ImageInfo {
  public String uuid;
  public String sha256;
  public long size;
  public int width;
  public int height;
  public Instant createdAt;
  public String uploadedBy;
  public SpecInfo spec;
  public RuntimeInfo runtime;
  public boolean referenced;
  public List<ReferenceInfo> references;

  /** Since when no tracked commit references the image; null while one does. */
  public Instant orphanedAt;
}
