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
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
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
  private final ServletContextHandler context;

  private HttpServer(Server server, ServerConnector connector, ServletContextHandler context) {
    this.server = server;
    this.connector = connector;
    this.context = context;
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
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder images = new ServletHolder("images", new ImagesServlet(store, auth));
    Path spool = store.tmpDir().resolve("multipart");
    Files.createDirectories(spool);
    long maxImage = store.config().maxImageBytes();
    images
        .getRegistration()
        .setMultipartConfig(
            new MultipartConfigElement(
                spool.toString(),
                maxImage,
                maxImage + ImagesServlet.MAX_META_BYTES + 64 * 1024,
                1024 * 1024));
    context.addServlet(images, "/images/*");
    add(context, "references", new ReferencesServlet(store, auth), "/references/*");
    add(context, "runtimes", new RuntimesServlet(store, auth), "/runtimes/*");
    add(context, "orphans", new OrphansServlet(store, auth), "/orphans/*");
    add(context, "diff", new DiffServlet(store), "/diff/*");
    HealthServlet health = new HealthServlet(store);
    add(context, "health", health, "/health");
    add(context, "health-checks", health, "/health/*");
    add(context, "metrics", new PrometheusMetricsServlet(store.metrics().registry()), "/metrics");
    add(context, "openapi", new OpenApiServlet(), "/openapi.yaml");
    add(context, "trash", new TrashServlet(store, auth), "/trash/*");
    add(context, "audit", new AuditServlet(store, auth), "/audit/*");
    add(context, "settings", new SettingsServlet(store, auth), "/settings/*");
    add(context, "admin", new AdminPageServlet(), "/admin/*");
    add(context, "not-found", new NotFoundServlet(), "/");

    server.setHandler(
        new SecurityHeaders(
            new RequestMetrics(new ImageDownloads(context, store.images()), store.metrics())));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopAtShutdown(false);
    server.start();
    HttpServer started = new HttpServer(server, connector, context);
    logger.atInfo().log("imagestore serving on %s", started.url());
    return started;
  }

  private static void add(
      ServletContextHandler context, String name, HttpServlet servlet, String path) {
    context.addServlet(new ServletHolder(name, servlet), path);
  }

  /** The servlet path specs served, e.g. {@code /images/*}; for checking the API document. */
  public List<String> routes() {
    List<String> out = new ArrayList<>();
    for (ServletMapping m : context.getServletHandler().getServletMappings()) {
      out.addAll(Arrays.asList(m.getPathSpecs()));
    }
    return out;
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
