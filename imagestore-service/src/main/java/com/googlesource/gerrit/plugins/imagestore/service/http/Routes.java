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

import static com.googlesource.gerrit.plugins.imagestore.service.http.Access.ADMIN;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Access.ANYONE;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Access.INDEXER;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Access.METADATA_READER;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Access.UPLOADER;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Access.UPLOADER_OR_ADMIN_TO_IMPORT;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Body.JSON;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Body.LARGE_JSON;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Body.MULTIPART;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Body.NONE;
import static com.googlesource.gerrit.plugins.imagestore.service.http.Body.PNG_OR_MULTIPART;

import com.googlesource.gerrit.plugins.imagestore.service.http.Route.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;

/**
 * Every route of the service, in one table: method, path pattern, who may call it, what body it
 * takes, and the endpoint that answers it. Read it top to bottom to find the handler of any
 * request.
 *
 * <p>A request no route matches is answered 404 {@code not_found} when its resource (the first path
 * segment) lists its method under {@link #resource}, else 405 {@code method_not_allowed}. A path
 * that ends in a slash is also tried without it ({@code /images/} is {@code /images}).
 */
final class Routes {
  private static final String GET = "GET";
  private static final String HEAD = "HEAD";
  private static final String POST = "POST";
  private static final String PUT = "PUT";
  private static final String DELETE = "DELETE";

  /** The table, built from the endpoints; each endpoint holds only the services it uses. */
  static Routes of(Endpoints e) {
    return new Routes()
        .resource("/", GET, POST, PUT, DELETE)
        .add(GET, "/", ANYONE, NONE, Endpoints::index)
        .resource("/images", GET)
        .add(GET, "/images", METADATA_READER, NONE, e.images()::list)
        .add(GET, "/images/{uuid}", ANYONE, NONE, e.download())
        .add(HEAD, "/images/{uuid}", ANYONE, NONE, e.download())
        .add(GET, "/images/{uuid}/info", METADATA_READER, NONE, e.images()::info)
        .add(POST, "/images", UPLOADER, MULTIPART, e.images()::upload)
        .add(PUT, "/images/{uuid}", UPLOADER_OR_ADMIN_TO_IMPORT, PNG_OR_MULTIPART, e.images()::put)
        .add(DELETE, "/images/{uuid}", ADMIN, NONE, e.images()::delete)
        .resource("/diff", GET)
        .add(GET, "/diff/{uuidA}/{uuidB}", ANYONE, NONE, e.diffs()::picture)
        .add(GET, "/diff/{uuidA}/{uuidB}/info", ANYONE, NONE, e.diffs()::info)
        .resource("/references", GET, POST, PUT)
        .add(GET, "/references", METADATA_READER, NONE, e.references()::list)
        .add(GET, "/references/digest", METADATA_READER, NONE, e.references()::digest)
        .add(POST, "/references", INDEXER, LARGE_JSON, e.references()::add)
        .add(PUT, "/references", INDEXER, LARGE_JSON, e.references()::replace)
        .add(PUT, "/references/buckets", INDEXER, LARGE_JSON, e.references()::replaceBuckets)
        .add(PUT, "/references/import", INDEXER, LARGE_JSON, e.references()::importAll)
        .resource("/runtimes", GET)
        .add(GET, "/runtimes", ANYONE, NONE, e.runtimes()::list)
        .add(GET, "/runtimes/{id}", ANYONE, NONE, e.runtimes()::get)
        .add(POST, "/runtimes", ADMIN, JSON, e.runtimes()::create)
        .add(PUT, "/runtimes/{id}", ADMIN, JSON, e.runtimes()::put)
        .add(DELETE, "/runtimes/{id}", ADMIN, NONE, e.runtimes()::delete)
        .resource("/orphans", GET, POST)
        .add(GET, "/orphans", METADATA_READER, NONE, e.orphans()::list)
        .add(GET, "/orphans/{uuid}", METADATA_READER, NONE, e.orphans()::get)
        .add(POST, "/orphans", ADMIN, JSON, e.orphans()::sweep)
        .add(POST, "/orphans/trash", ADMIN, JSON, e.orphans()::cleanup)
        .add(PUT, "/orphans/{uuid}", ADMIN, JSON, e.orphans()::mark)
        .add(DELETE, "/orphans/{uuid}", ADMIN, NONE, e.orphans()::delete)
        .resource("/trash", GET, POST)
        .add(GET, "/trash", ADMIN, NONE, e.trash()::list)
        .add(GET, "/trash/{uuid}", ADMIN, NONE, e.trash()::info)
        .add(GET, "/trash/{uuid}/image", ADMIN, NONE, e.trash()::image)
        .add(POST, "/trash/{uuid}/restore", ADMIN, JSON, e.trash()::restore)
        .add(POST, "/trash/purge", ADMIN, JSON, e.trash()::purge)
        .add(DELETE, "/trash/{uuid}", ADMIN, NONE, e.trash()::purgeOne)
        .resource("/audit", GET)
        .add(GET, "/audit", ADMIN, NONE, e.audit())
        .resource("/settings", GET)
        .add(GET, "/settings", ADMIN, NONE, e.settings())
        .resource("/admin", GET)
        .add(GET, "/admin", ANYONE, NONE, AdminPage::redirect)
        .add(GET, "/admin/", ANYONE, NONE, e.adminPage()::index)
        .add(GET, "/admin/{file}", ANYONE, NONE, e.adminPage()::file)
        .resource("/health", GET)
        .add(GET, "/health", ANYONE, NONE, e.health()::ready)
        .add(GET, "/health/ready", ANYONE, NONE, e.health()::ready)
        .add(GET, "/health/live", ANYONE, NONE, HealthChecks::live)
        .resource("/metrics", GET)
        .add(GET, "/metrics", ANYONE, NONE, e.metrics())
        .resource("/openapi.yaml", GET)
        .add(GET, "/openapi.yaml", ANYONE, NONE, OpenApiDocument::send);
  }

  /** A route found for a request, with the values of its path's parameters. */
  record Match(Route route, Map<String, String> pathParameters) {}

  private final List<Route> routes = new ArrayList<>();
  private final Map<String, PathMappings<Route>> byMethod = new HashMap<>();
  private final Map<String, Set<String>> notFoundMethods = new HashMap<>();
  private final Set<String> resourcesWithHead = new HashSet<>();
  private String resource;

  Routes() {}

  /**
   * Starts the routes of a resource (the first path segment): below it, a request of one of {@code
   * notFoundMethods} that no route matches is answered 404, of another method 405.
   */
  Routes resource(String prefix, String... notFoundMethods) {
    resource = prefix;
    this.notFoundMethods.put(prefix, Set.of(notFoundMethods));
    return this;
  }

  Routes add(String method, String path, Access access, Body body, Endpoint endpoint) {
    if (!resource.equals(resourceOf(path))) {
      throw new IllegalArgumentException(path + " lies outside " + resource);
    }
    Route route = new Route(method, path, access, body, endpoint);
    routes.add(route);
    if (method.equals(HEAD)) {
      resourcesWithHead.add(resource);
    }
    byMethod.computeIfAbsent(method, m -> new PathMappings<>()).put(spec(path), route);
    return this;
  }

  private static UriTemplatePathSpec spec(String path) {
    return new UriTemplatePathSpec(path);
  }

  /** All routes, in the table's order. */
  List<Route> all() {
    return List.copyOf(routes);
  }

  /**
   * The route of a request, if any: of its method, or for {@code HEAD}, of {@code GET} where the
   * resource has no {@code HEAD} routes of its own.
   */
  Optional<Match> find(String method, String path) {
    Optional<Match> found = find(byMethod.get(method), path);
    if (found.isEmpty() && method.equals(HEAD) && headAsGet(path)) {
      found = find(byMethod.get(GET), path);
    }
    return found;
  }

  /**
   * The route of a request.
   *
   * @throws RequestException 404 or 405 when there is none
   */
  Match match(String method, String path, String uri) {
    return find(method, path)
        .orElseThrow(
            () -> {
              Set<String> notFound = notFoundMethods.get(resourceOf(path));
              if (notFound == null) {
                notFound = notFoundMethods.get("/");
              }
              boolean asGet = method.equals(HEAD) && headAsGet(path);
              return notFound.contains(asGet ? GET : method)
                  ? RequestException.notFound("no resource at " + uri)
                  : new RequestException(
                      405, "method_not_allowed", method + " is not supported on " + uri);
            });
  }

  private static Optional<Match> find(PathMappings<Route> mappings, String path) {
    if (mappings == null) {
      return Optional.empty();
    }
    MatchedResource<Route> matched = mappings.getMatched(path);
    if (matched == null && path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
      matched = mappings.getMatched(path);
    }
    if (matched == null) {
      return Optional.empty();
    }
    UriTemplatePathSpec spec = (UriTemplatePathSpec) matched.getPathSpec();
    return Optional.of(new Match(matched.getResource(), spec.getPathParams(path)));
  }

  /** Whether a {@code HEAD} of {@code path} is answered by the {@code GET} routes. */
  private boolean headAsGet(String path) {
    return !resourcesWithHead.contains(resourceOf(path));
  }

  /** The resource of a path: its first segment, or {@code /} for the root and unknown paths. */
  private String resourceOf(String path) {
    int end = path.indexOf('/', 1);
    String first = end < 0 ? path : path.substring(0, end);
    return notFoundMethods.containsKey(first) ? first : "/";
  }
}
