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

import java.io.IOException;

/**
 * One line of the {@link Routes} table.
 *
 * @param method the HTTP method; {@code HEAD} is answered by the {@code GET} route unless a
 *     resource has {@code HEAD} routes of its own
 * @param path the path pattern, a URI template such as {@code /images/{uuid}/info}
 * @param access who may call it
 * @param body what the request body must be (checked before the access)
 * @param endpoint what answers it
 */
record Route(String method, String path, Access access, Body body, Endpoint endpoint) {
  /** What answers a route: it reads the {@link Call} and writes the answer. */
  @FunctionalInterface
  interface Endpoint {
    void handle(Call call) throws IOException;
  }
}
