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
import com.googlesource.gerrit.plugins.imagestore.service.references.BucketSelection;
import com.googlesource.gerrit.plugins.imagestore.service.references.ReferenceService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /references}, for the Gerrit plugin (role {@code indexer}): {@code POST} adds a batch,
 * {@code PUT} replaces the whole set of a project (or of one branch of it), {@code PUT
 * buckets?buckets=N&bucket=i,j} only the references in those buckets, {@code GET
 * ?project=P[&branch=B]} lists them and {@code GET digest?project=P[&branch=B][&buckets=N]}
 * fingerprints them (and each bucket). {@code PUT import?project=P} is a project's first import: a
 * JSON array of references, inserted as it arrives (the plugin streams it while it scans).
 *
 * <p>The bucket replace is a route of its own, not a parameter of {@code PUT /references}: a
 * service without buckets answers it 404, where it would take a parameter it does not know for a
 * replace of the whole set by one bucket's references.
 */
final class ReferenceEndpoints {
  /** References of an import inserted per statement as they arrive. */
  static final int IMPORT_BATCH = 2_000;

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
        200,
        WireTypes.referenceSetInfo(
            references.digest(project(call), call.query("branch"), bucketCount(call))));
  }

  /** {@code ?buckets=N}, null when absent. */
  private static Integer bucketCount(Call call) {
    String value = call.query("buckets");
    if (value == null) {
      return null;
    }
    return number(value, "buckets");
  }

  private static int number(String value, String name) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw RequestException.badRequest(
          "bad_buckets", name + " must be a number, got '" + value + "'");
    }
  }

  /** {@code ?buckets=N&bucket=i,j…}: both required. */
  private static BucketSelection buckets(Call call) {
    Integer count = bucketCount(call);
    String chosen = call.query("bucket");
    if (count == null || chosen == null) {
      throw RequestException.badRequest(
          "bad_buckets", "give ?buckets=N&bucket=i,j... (the buckets to replace)");
    }
    List<Integer> numbers = new ArrayList<>();
    for (String part : chosen.split(",", -1)) {
      numbers.add(number(part, "bucket"));
    }
    return BucketSelection.of(count, numbers);
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

  void replaceBuckets(Call call) throws IOException {
    BucketSelection buckets = buckets(call);
    ReferencesInput in = call.readJson(ReferencesInput.class);
    call.sendJson(
        200,
        WireTypes.referencesResult(
            references.replace(
                in.project,
                in.branch,
                buckets,
                WireTypes.references(in.references),
                call.actor())));
  }

  /**
   * {@code PUT /references/import?project=P}: the body, a JSON array of references, is parsed and
   * inserted a batch at a time while the client still sends it, in one transaction (nothing is
   * imported unless all of it arrived and was valid).
   */
  void importAll(Call call) throws IOException {
    String project = project(call);
    // The body is opened by the first batch, once the service has taken the import: a client
    // waiting for 100 Continue learns of a refusal (503 when imports are busy) before it sends.
    ReferenceArrayReader body =
        new ReferenceArrayReader(
            call::jsonBody, IMPORT_BATCH, ReferenceArrayReader.MAX_REFERENCE_CHARS);
    try {
      call.sendJson(
          200, WireTypes.referencesResult(references.importAll(project, body, call.actor())));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
