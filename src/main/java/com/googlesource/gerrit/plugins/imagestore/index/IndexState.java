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

package com.googlesource.gerrit.plugins.imagestore.index;

import com.google.common.flogger.FluentLogger;
import com.google.gerrit.extensions.annotations.PluginData;
import com.google.gson.JsonParseException;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.queue.DurableFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What has been indexed: the last commit of every tracked branch and when the site was last
 * reconciled. Kept in {@code state.json} in the plugin's data directory, written durably; for
 * status, for knowing whether the site was ever indexed, and for catching up at start with what
 * moved while the plugin was not running. A lost or unreadable file only costs a full reconcile.
 */
@Singleton
public class IndexState {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** The file's content. */
  static class Data {
    Instant lastReconcile;
    Map<String, Map<String, BranchState>> projects = new TreeMap<>();
  }

  /** The last indexed commit of a branch. */
  public static class BranchState {
    public String commit;
    public Instant indexedAt;
  }

  private final Path file;
  private Data data;

  @Inject
  IndexState(@PluginData Path dir) throws IOException {
    this.file = dir.resolve("state.json");
    // Left by a crash while saving; state.json itself is whole (the old or the new content).
    Files.deleteIfExists(DurableFiles.tempOf(file));
    Files.deleteIfExists(dir.resolve("state.json.tmp")); // the name before DurableFiles
    this.data = load();
  }

  private Data load() throws IOException {
    if (!Files.exists(file)) {
      return new Data();
    }
    try {
      Data d = Json.gson().fromJson(Files.readString(file, StandardCharsets.UTF_8), Data.class);
      return d == null ? new Data() : d;
    } catch (JsonParseException | CharacterCodingException e) {
      logger.atWarning().log("%s is unreadable (%s): the site counts as never indexed", file, e);
      return new Data();
    }
  }

  public synchronized boolean wasEverReconciled() {
    return data.lastReconcile != null;
  }

  public synchronized Instant lastReconcile() {
    return data.lastReconcile;
  }

  public synchronized void reconciled(Instant when) throws IOException {
    data.lastReconcile = when;
    save();
  }

  public synchronized void indexed(String project, String branch, String commit)
      throws IOException {
    indexed(project, Map.of(branch, commit));
  }

  /**
   * Records the commits of several branches of a project (branch name to commit) with one write of
   * the file, which holds every branch of the site.
   */
  public synchronized void indexed(String project, Map<String, String> commits) throws IOException {
    Instant now = Instant.now();
    Map<String, BranchState> branches =
        data.projects.computeIfAbsent(project, p -> new TreeMap<>());
    commits.forEach(
        (branch, commit) -> {
          BranchState b = new BranchState();
          b.commit = commit;
          b.indexedAt = now;
          branches.put(branch, b);
        });
    save();
  }

  public synchronized void branchGone(String project, String branch) throws IOException {
    Map<String, BranchState> branches = data.projects.get(project);
    if (branches != null && branches.remove(branch) != null) {
      save();
    }
  }

  /** Branch name to its last indexed commit. */
  public synchronized Map<String, BranchState> branches(String project) {
    return new TreeMap<>(data.projects.getOrDefault(project, Map.of()));
  }

  private void save() throws IOException {
    DurableFiles.write(file, Json.gson().toJson(data));
  }
}
