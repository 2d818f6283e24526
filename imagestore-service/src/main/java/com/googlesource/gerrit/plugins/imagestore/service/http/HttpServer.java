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

import com.google.common.flogger.FluentLogger;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.auth.LoginThrottle;
import jakarta.servlet.MultipartConfigElement;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The REST API on Jetty. */
public final class HttpServer implements AutoCloseable {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  private final Server server;
  private final ServerConnector connector;
  private final Routes routes;

  private HttpServer(Server server, ServerConnector connector, Routes routes) {
    this.server = server;
    this.connector = connector;
    this.routes = routes;
  }

  /** Starts serving {@code store} on its configured address (port 0: any free port). */
  public static HttpServer start(Imagestore store) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("imagestore-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(store.config().bind());
    connector.setPort(store.config().port());
    server.addConnector(connector);

    Authenticator auth =
        new Authenticator(
            store.users(),
            new LoginThrottle(store.config().loginLimits()),
            store.config().publicMetadata());
    Routes routes = Routes.of(Endpoints.of(store));
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder api =
        new ServletHolder("api", new ApiServlet(routes, auth, store.config().maxImageBytes()));
    Path spool = store.tmpDir().resolve("multipart");
    Files.createDirectories(spool);
    long maxImage = store.config().maxImageBytes();
    api.getRegistration()
        .setMultipartConfig(
            new MultipartConfigElement(
                spool.toString(), maxImage, Body.maxUploadBytes(maxImage), 1024 * 1024));
    context.addServlet(api, "/");

    server.setHandler(
        new SecurityHeaders(new RequestMetrics(new CoreRoutes(context, routes), store.metrics())));
    server.setErrorHandler(new JsonErrorHandler());
    if (store.config().accessLog() != null) {
      server.setRequestLog(AccessLog.to(store.config().accessLog()));
    }
    server.setStopAtShutdown(false);
    server.start();
    HttpServer started = new HttpServer(server, connector, routes);
    logger.atInfo().log("imagestore serving on %s", started.url());
    return started;
  }

  /** The path patterns served, e.g. {@code /images/{uuid}}; for checking the API document. */
  public List<String> routes() {
    return routes.all().stream().map(Route::path).distinct().toList();
  }

  /** The port actually bound (useful when the configuration said 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public URI url() {
    String host = connector.getHost();
    if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("could not stop the HTTP server", e);
    }
  }
}
