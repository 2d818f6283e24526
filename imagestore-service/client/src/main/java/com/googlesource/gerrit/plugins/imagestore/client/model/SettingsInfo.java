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

/** {@code GET /settings}: the caller, and the service's orphan and trash settings. */
public class SettingsInfo {
  public String user;

  /** Durations in the short form ({@code 14d}) and in seconds. */
  public String orphanGracePeriod;

  public long orphanGracePeriodSeconds;
  public String trashRetention;
  public long trashRetentionSeconds;
  public String trashPurgeInterval;
  public long trashPurgeIntervalSeconds;
}
