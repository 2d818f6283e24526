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

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import jakarta.servlet.http.HttpServletRequest;

/** A REST servlet over the store, with accounts for its write methods. */
abstract class StoreServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  protected final transient Imagestore store;
  protected final transient Authenticator auth;

  StoreServlet(Imagestore store, Authenticator auth) {
    this.store = store;
    this.auth = auth;
  }

  /**
   * A page of another site can send a form (urlencoded, multipart or text/plain) without asking,
   * but no JSON: so the JSON routes take {@code application/json} only, or no {@code Content-Type}
   * at all when they have no body.
   */
  @Override
  protected void checkContentType(HttpServletRequest req) {
    String type = mediaType(req);
    if (type != null && !type.equals(JSON)) {
      throw unsupportedMediaType(req, JSON);
    }
  }
}
