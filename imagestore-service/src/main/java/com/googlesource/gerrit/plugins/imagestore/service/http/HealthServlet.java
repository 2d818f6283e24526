package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health checks. {@code /health/live}: 200 while the process serves (liveness). {@code
 * /health/ready} (and {@code /health}): 200 when the database answers and the blob store is
 * reachable, else 503 (readiness: take the replica out of the load balancer, do not restart it).
 */
final class HealthServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  private final transient Imagestore store;

  HealthServlet(Imagestore store) {
    this.store = store;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String check = req.getPathInfo() == null ? "/ready" : req.getPathInfo();
    resp.setHeader("Cache-Control", "no-store");
    if (check.equals("/live")) {
      // Alive as long as it answers: a database outage must not get the process restarted.
      sendJson(resp, 200, Map.of("status", "ok"));
      return;
    }
    if (!check.equals("/ready")) {
      throw noSuchResource(req);
    }
    boolean database = store.database().isHealthy();
    boolean blobs;
    try {
      store.blobs().exists("0".repeat(64));
      blobs = true;
    } catch (IOException | RuntimeException e) {
      blobs = false;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", database && blobs ? "ok" : "unavailable");
    body.put("database", database ? "ok" : "unavailable");
    body.put("blobStore", blobs ? "ok" : "unavailable");
    sendJson(resp, database && blobs ? 200 : 503, body);
  }
}
