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

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What the service does differently for browsers, against cross-site request forgery.
 *
 * <p>A write never comes from another site: a present {@code Origin} must name this service (the
 * request's {@code Host}, or the {@code X-Forwarded-Host} a proxy set; another site's page cannot
 * set either header), and {@code Sec-Fetch-Site} must not say {@code cross-site} or {@code
 * same-site}. Clients that are no browser send neither header.
 *
 * <p>A browser is never asked for a password: a 401 carries {@code WWW-Authenticate: Basic} only
 * for clients that show no sign of being a browser, so no browser login dialog can leave Basic
 * credentials cached for other sites' forms to use. The management page sends its own {@code
 * Authorization} header with {@code credentials: 'omit'}.
 */
final class BrowserRequests {
  private BrowserRequests() {}

  /** Refuses a write from a page of another origin with 403 {@code cross_origin}. */
  static void refuseCrossSite(HttpServletRequest req) {
    String origin = req.getHeader("Origin");
    if (origin != null && !isOwnOrigin(origin, req)) {
      throw new RequestException(
          403,
          "cross_origin",
          "writes from another origin (" + ApiServlet.abbreviate(origin) + ") are refused");
    }
    String site = req.getHeader("Sec-Fetch-Site");
    if (site != null
        && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
      throw new RequestException(
          403,
          "cross_origin",
          "writes from another site (Sec-Fetch-Site: " + site + ") are refused");
    }
  }

  /**
   * Whether a 401 may carry a Basic challenge: not for scripts (the management page marks its calls
   * with {@code X-Requested-With}) and not for browsers at all (fetch metadata, an {@code Origin},
   * or a navigation accepting HTML).
   */
  static boolean mayChallenge(HttpServletRequest req) {
    if (req.getHeader("X-Requested-With") != null
        || req.getHeader("Sec-Fetch-Mode") != null
        || req.getHeader("Sec-Fetch-Site") != null
        || req.getHeader("Sec-Fetch-Dest") != null
        || req.getHeader("Origin") != null) {
      return false;
    }
    String accept = req.getHeader("Accept");
    return accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  private static boolean isOwnOrigin(String origin, HttpServletRequest req) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return false; // "null" (a sandboxed frame, a file) parses, but has no host
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null
        || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return false;
    }
    int defaultPort = scheme.equalsIgnoreCase("https") ? 443 : 80;
    int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
    return sameAuthority(uri.getHost(), port, defaultPort, req.getHeader("Host"))
        || sameAuthority(uri.getHost(), port, defaultPort, req.getHeader("X-Forwarded-Host"));
  }

  /** Whether a Host header value ({@code host[:port]}) names {@code host} and {@code port}. */
  private static boolean sameAuthority(String host, int port, int defaultPort, String header) {
    if (header == null || header.isBlank()) {
      return false;
    }
    String value = header.split(",", 2)[0].trim(); // a proxy chain: the first, the client's
    URI parsed;
    try {
      parsed = new URI("http://" + value);
    } catch (URISyntaxException e) {
      return false;
    }
    if (parsed.getHost() == null) {
      return false;
    }
    int headerPort = parsed.getPort() == -1 ? defaultPort : parsed.getPort();
    return parsed.getHost().equalsIgnoreCase(host) && headerPort == port;
  }
}
