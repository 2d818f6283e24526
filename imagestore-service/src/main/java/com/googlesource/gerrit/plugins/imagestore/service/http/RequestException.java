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

/**
 * A request the web layer refuses, with the HTTP status and a stable error code the client gets in
 * the JSON error body: a malformed parameter, a wrong method or media type, missing credentials.
 * The domain's refusals are {@link
 * com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException}s; {@link
 * ApiServlet#toHttp} gives them their status.
 */
class RequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  RequestException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static RequestException badRequest(String code, String message) {
    return new RequestException(400, code, message);
  }

  static RequestException notFound(String message) {
    return new RequestException(404, "not_found", message);
  }

  static RequestException conflict(String code, String message) {
    return new RequestException(409, code, message);
  }

  static RequestException tooLarge(String message) {
    return new RequestException(413, "too_large", message);
  }
}
