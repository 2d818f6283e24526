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

import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService;
import java.io.IOException;

/**
 * {@code /references}, for the Gerrit plugin (role {@code indexer}): {@code POST} adds a batch,
 * {@code PUT} replaces the whole set of a project (or of one branch of it), {@code GET
 * ?project=P[&branch=B]} lists them and {@code GET digest?project=P[&branch=B]} fingerprints them.
 */
final class ReferenceEndpoints {
  private final ReferenceService references;

  ReferenceEndpoints(ReferenceService references) {
    this.references = references;
  }

  void list(Call call) throws IOException {
    call.sendJson(
        200,
        references.list(project(call), call.query("branch")).stream()
            .map(WireTypes::referenceInfo)
            .toList());
  }

  void digest(Call call) throws IOException {
    call.sendJson(
        200, WireTypes.referenceSetInfo(references.digest(project(call), call.query("branch"))));
  }

  private static String project(Call call) {
    String project = call.query("project");
    if (project == null) {
      throw RequestException.badRequest("missing_project", "give ?project=NAME");
    }
    return project;
  }

  void add(Call call) throws IOException {
    ReferencesInput in = call.readJson(ReferencesInput.class);
    call.sendJson(
        200,
        WireTypes.referencesResult(
            references.add(WireTypes.references(in.references), call.actor())));
  }

  void replace(Call call) throws IOException {
    ReferencesInput in = call.readJson(ReferencesInput.class);
    call.sendJson(
        200,
        WireTypes.referencesResult(
            references.replace(
                in.project, in.branch, WireTypes.references(in.references), call.actor())));
  }
}
