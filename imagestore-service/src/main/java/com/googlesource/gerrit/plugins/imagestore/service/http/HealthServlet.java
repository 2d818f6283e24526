package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health}: 200 when the database answers and the blob store is reachable, else 503. */
final class HealthServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  private final transient Imagestore store;

  HealthServlet(Imagestore store) {
    this.store = store;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
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
    resp.setHeader("Cache-Control", "no-store");
    sendJson(resp, database && blobs ? 200 : 503, body);
  }
}
