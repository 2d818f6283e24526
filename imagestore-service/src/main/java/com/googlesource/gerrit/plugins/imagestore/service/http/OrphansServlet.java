package com.googlesource.gerrit.plugins.imagestore.service.http;

import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.OrphanMarkInput;
import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.RequestException;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * {@code /orphans}: images no tracked commit references. List ({@code ?minAge=7d}, paged) and read
 * for everybody; recompute ({@code POST}), mark ({@code PUT}) and delete for admins.
 */
final class OrphansServlet extends StoreServlet {
  private static final long serialVersionUID = 1L;

  OrphansServlet(Imagestore store, Authenticator auth) {
    super(store, auth);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] path = segments(req);
    if (path.length == 0) {
      Paging paging = Paging.of(req);
      Duration minAge = parseAge(req.getParameter("minAge"));
      List<ImageInfo> page = store.orphans().list(minAge, paging.after(), paging.limit());
      paging.linkNext(req, resp, page.stream().map(i -> i.uuid).toList());
      sendJson(resp, 200, page);
    } else if (path.length == 1) {
      ImageId id = imageId(path[0]);
      sendJson(
          resp,
          200,
          store.orphans().get(id).orElseThrow(() -> RequestException.notFound("no orphan " + id)));
    } else {
      throw noSuchResource(req);
    }
  }

  /** Recomputes every orphan mark from the references. */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (segments(req).length != 0) {
      throw notAllowed(req);
    }
    auth.require(req, Role.ADMIN);
    sendJson(resp, 200, store.orphans().sweep());
  }

  /** Marks an unreferenced image orphaned, since now or since {@code orphanedAt}. */
  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    auth.require(req, Role.ADMIN);
    OrphanMarkInput in =
        req.getContentLengthLong() == 0
            ? new OrphanMarkInput()
            : readJson(req, OrphanMarkInput.class);
    sendJson(resp, 200, store.orphans().mark(id, in.orphanedAt));
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ImageId id = imageId(onlySegment(req));
    auth.require(req, Role.ADMIN);
    if (!store.orphans().delete(id)) {
      throw RequestException.notFound("no image " + id);
    }
    resp.setStatus(204);
  }

  /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, plain seconds, or ISO-8601 {@code P7D}. */
  static Duration parseAge(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else {
        char unit = t.charAt(t.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
        d =
            switch (unit) {
              case 'd' -> Duration.ofDays(n);
              case 'h' -> Duration.ofHours(n);
              case 'm' -> Duration.ofMinutes(n);
              case 's' -> Duration.ofSeconds(n);
              default -> {
                if (!Character.isDigit(unit)) {
                  throw new NumberFormatException();
                }
                yield Duration.ofSeconds(n);
              }
            };
      }
      if (d.isNegative()) {
        throw new NumberFormatException();
      }
      d.toMillis(); // ArithmeticException unless it fits in epoch milliseconds
      return d;
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw RequestException.badRequest(
          "bad_age", "minAge must look like 7d, 12h, 30m, 45s, 3600 or P7D");
    }
  }
}
