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

import com.googlesource.gerrit.plugins.imagestore.client.model.RuntimeInfo;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService;
import com.googlesource.gerrit.plugins.imagestore.service.runtimes.RuntimeService.Saved;
import java.io.IOException;

/** {@code /runtimes}: list and read for everybody; create, update and delete for admins. */
final class RuntimeEndpoints {
  private final RuntimeService runtimes;

  RuntimeEndpoints(RuntimeService runtimes) {
    this.runtimes = runtimes;
  }

  void list(Call call) throws IOException {
    call.sendJson(200, runtimes.list().stream().map(WireTypes::runtimeInfo).toList());
  }

  void get(Call call) throws IOException {
    String id = call.runtimeId();
    call.sendJson(200, WireTypes.runtimeInfo(runtimes.get(id).orElseThrow(() -> notFound(id))));
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("no runtime " + id);
  }

  /** Creates a runtime; 201 with its id, or 200 when it exists already. */
  void create(Call call) throws IOException {
    Saved saved = runtimes.save(WireTypes.runtimeRecord(call.readJson(RuntimeInfo.class)));
    if (saved.created()) {
      call.resp().setHeader("Location", "/runtimes/" + saved.runtime().id());
    }
    call.sendJson(saved.created() ? 201 : 200, WireTypes.runtimeInfo(saved.runtime()));
  }

  /** Creates or updates the runtime with this id; the body's dimensions must derive to it. */
  void put(Call call) throws IOException {
    String id = call.runtimeId();
    RuntimeInfo in = call.readJson(RuntimeInfo.class);
    if (in.id == null) {
      in.id = id;
    } else if (!in.id.equals(id)) {
      throw RequestException.badRequest(
          "runtime_id_mismatch", "the body's id " + in.id + " differs from the path's " + id);
    }
    Saved saved = runtimes.save(WireTypes.runtimeRecord(in));
    call.sendJson(saved.created() ? 201 : 200, WireTypes.runtimeInfo(saved.runtime()));
  }

  void delete(Call call) throws IOException {
    String id = call.runtimeId();
    if (!runtimes.delete(id)) {
      throw notFound(id);
    }
    call.resp().setStatus(204);
  }
}
