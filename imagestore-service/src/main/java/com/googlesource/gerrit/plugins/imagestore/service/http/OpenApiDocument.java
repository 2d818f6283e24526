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

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** {@code /openapi.yaml}: the OpenAPI 3 document of this REST API. */
final class OpenApiDocument {
  private OpenApiDocument() {}

  /** Where the document lives on the class path (tests read it from there too). */
  static final String RESOURCE = "/api/openapi.yaml";

  static void send(Call call) throws IOException {
    HttpServletResponse resp = call.resp();
    resp.setContentType("application/yaml; charset=utf-8");
    resp.setHeader("Cache-Control", "no-cache");
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE);
        OutputStream out = resp.getOutputStream()) {
      in.transferTo(out);
    }
  }
}
