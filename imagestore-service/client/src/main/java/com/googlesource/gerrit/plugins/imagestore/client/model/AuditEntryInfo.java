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

/** One line of the audit log ({@code GET /audit}). */
public class AuditEntryInfo {
  public long id;
  public Instant at;

  /** The account, or {@code system} for the periodic purge. */
  public String actor;

  /** The client's address as the service saw it; null for the service's own tasks. */
  public String address;

  /** {@code trash}, {@code restore} or {@code purge}. */
  public String action;

  public String uuid;
  public String sha256;
  public long size;

  /** Bytes the action removed from the blob store. */
  public long bytesFreed;

  /** How it came about: the endpoint, or the reference that brought an image back. */
  public String detail;
}
