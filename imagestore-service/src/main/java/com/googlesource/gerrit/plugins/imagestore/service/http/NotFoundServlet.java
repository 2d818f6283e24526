package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** Everything no other servlet serves: a short index at the root, a JSON 404 elsewhere. */
final class NotFoundServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if ("/".equals(req.getRequestURI())) {
      sendJson(
          resp,
          200,
          Map.of(
              "service",
              "imagestore",
              "endpoints",
              new String[] {
                "/images",
                "/runtimes",
                "/orphans",
                "/references",
                "/trash",
                "/audit",
                "/settings",
                "/admin/",
                "/health"
              }));
      return;
    }
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }

  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) {
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) {
    throw RequestException.notFound("no resource at " + req.getRequestURI());
  }
}
