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

import java.nio.file.Path;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.RequestLogWriter;

/**
 * The optional access log: a line per request in the NCSA combined format that log tools read, with
 * the account that authenticated (not the one merely claimed: a failed login shows "-") and the
 * request's milliseconds at the end. Credentials never appear: they travel in a header that is not
 * logged, and URLs carry no secrets.
 */
final class AccessLog {
  /** The request attribute that carries the authenticated account's name to the log line. */
  static final String ACCOUNT = "imagestore.account";

  static final String FORMAT =
      "%{client}a - %{"
          + ACCOUNT
          + "}attr %t \"%r\" %s %O \"%{Referer}i\" \"%{User-Agent}i\" %{ms}T";

  private AccessLog() {}

  /**
   * Jetty's writer: a name with {@code yyyy_mm_dd} rolls over daily (UTC) and keeps 31 days; any
   * other name is appended to, so that logrotate's {@code copytruncate} works.
   */
  static RequestLog to(Path file) {
    return new CustomRequestLog(new RequestLogWriter(file.toString()), FORMAT);
  }
}
