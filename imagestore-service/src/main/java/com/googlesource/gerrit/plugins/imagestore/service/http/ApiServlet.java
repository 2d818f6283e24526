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
import com.google.gson.JsonParseException;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.googlesource.gerrit.plugins.imagestore.client.Json;
import com.googlesource.gerrit.plugins.imagestore.client.model.ErrorInfo;
import com.googlesource.gerrit.plugins.imagestore.service.domain.AccountChangedException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.BusyException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.ConflictException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.DomainException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.InvalidInputException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.NotFoundException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.TooLargeException;
import com.googlesource.gerrit.plugins.imagestore.service.domain.UnprocessableException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpException;

/**
 * The one servlet of the REST API: it finds the request's {@link Route} in the {@link Routes}
 * table, checks the body's type and the caller's access, and runs the route's endpoint. Every
 * failure is answered as a JSON error: a {@link DomainException} with the status {@link #toHttp}
 * gives it, a {@link RequestException} (a refusal of the web layer itself) with its own; an outage
 * of the database or the blob store ({@link Unavailable}) is answered 503 with {@code Retry-After};
 * anything else is a bug, answered 500 without details. Both are logged with an incident id the
 * answer names.
 */
final class ApiServlet extends HttpServlet {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();
  private static final long serialVersionUID = 1L;

  /** For answers that never change: content-derived ids name them. */
  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** How much of a refused request's unread body is read to keep its connection open. */
  private static final long SKIPPABLE_BODY_BYTES = 1024 * 1024;

  private final transient Routes routes;
  private final transient Authenticator auth;
  private final long maxImageBytes;

  ApiServlet(Routes routes, Authenticator auth, long maxImageBytes) {
    this.routes = routes;
    this.auth = auth;
    this.maxImageBytes = maxImageBytes;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    try {
      dispatch(req, resp);
    } catch (DomainException e) {
      if (e instanceof AccountChangedException changed) {
        auth.forget(changed.account());
      }
      answer(req, resp, toHttp(e));
    } catch (RequestException e) {
      answer(req, resp, e);
    } catch (JsonParseException e) {
      refuse(
          req,
          resp,
          400,
          "bad_json",
          "the request body is not valid JSON: " + e.getMessage(),
          true);
    } catch (Exception e) {
      HttpException malformed = clientError(e);
      if (malformed != null) {
        // Jetty found the request itself broken while we read it (early EOF, a bad chunk).
        refuse(
            req,
            resp,
            malformed.getCode(),
            "bad_request",
            "malformed request: " + malformed.getReason(),
            true);
        return;
      }
      String incident = UUID.randomUUID().toString();
      Unavailable outage = Unavailable.of(e);
      if (outage != null) {
        // An outage fails many requests at once: one line each, the stack at most every 10 s.
        logger.atWarning().log(
            "incident %s: %s %s answered 503, %s: %s",
            incident, req.getMethod(), req.getRequestURI(), outage.code(), e);
        logger.atWarning().atMostEvery(10, TimeUnit.SECONDS).withCause(e).log(
            "%s (incident %s)", outage.code(), incident);
        resp.setHeader("Retry-After", Integer.toString(outage.retryAfterSeconds()));
        refuse(req, resp, 503, outage.code(), outage.message(incident), true);
        return;
      }
      internalError(req, resp, incident, e);
    } catch (Error e) {
      // An OutOfMemoryError of one large allocation, say: the answer names an incident, as for any
      // other failure, never the error's text; the log has it.
      internalError(req, resp, UUID.randomUUID().toString(), e);
    }
  }

  private void dispatch(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String method = req.getMethod();
    switch (method) {
      case "GET", "HEAD" -> {}
      case "POST", "PUT", "DELETE" ->
          // Cheap refusals first: no bcrypt for a forged or mistyped write.
          BrowserRequests.refuseCrossSite(req);
      default ->
          throw new RequestException(405, "method_not_allowed", method + " is not supported here");
    }
    RequestJson.checkQuery(req);
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    Routes.Match match = routes.match(method, path, req.getRequestURI());
    Route route = match.route();
    if (!method.equals("DELETE")) {
      route.body().check(req);
    }
    Call.checkPathParameters(match.pathParameters());
    if (route.body().isUpload()) {
      // A client waiting to send a large body learns of the refusal before a login check
      // (bcrypt) could outlast its patience.
      Body.checkUploadLength(req, maxImageBytes);
    }
    Call call = new Call(req, resp, match.pathParameters(), route.body().maxJsonBytes());
    route.access().authorize(call, auth);
    route.endpoint().handle(call);
  }

  /**
   * The one place a domain refusal becomes an HTTP answer: its status (and for {@link
   * BusyException}, its {@code Retry-After}); the error code and message are the domain's.
   */
  static RequestException toHttp(DomainException e) {
    return switch (e) {
      case InvalidInputException x -> new RequestException(400, x.code(), x.getMessage());
      case AccountChangedException x -> new RequestException(401, x.code(), x.getMessage());
      case NotFoundException x -> new RequestException(404, x.code(), x.getMessage());
      case ConflictException x -> new RequestException(409, x.code(), x.getMessage());
      case TooLargeException x -> new RequestException(413, x.code(), x.getMessage());
      case UnprocessableException x -> new RequestException(422, x.code(), x.getMessage());
      case BusyException x -> new RetryLater(503, x.code(), x.getMessage(), x.retryAfterSeconds());
    };
  }

  private static void answer(HttpServletRequest req, HttpServletResponse resp, RequestException e)
      throws IOException {
    if (e instanceof RetryLater later) {
      resp.setHeader("Retry-After", Long.toString(later.retryAfterSeconds()));
    }
    refuse(req, resp, e.status(), e.code(), e.getMessage(), BrowserRequests.mayChallenge(req));
  }

  private static void internalError(
      HttpServletRequest req, HttpServletResponse resp, String incident, Throwable e)
      throws IOException {
    logger.atSevere().withCause(e).log(
        "incident %s: %s %s failed", incident, req.getMethod(), req.getRequestURI());
    refuse(req, resp, 500, "internal_error", internalErrorMessage(incident), true);
  }

  /** The message of every 500: an incident id to find the log lines by, no exception text. */
  static String internalErrorMessage(String incident) {
    return "internal error, incident " + incident;
  }

  private static final String BODY_BROKEN = ApiServlet.class.getName() + ".bodyBroken";

  /**
   * Records that a parser gave up inside the request's body (a malformed multipart form): Jetty
   * closes such a connection after the answer, so the answer must say so.
   */
  static void markBodyBroken(HttpServletRequest req) {
    req.setAttribute(BODY_BROKEN, Boolean.TRUE);
  }

  /** Answers an error after {@link #skipUnreadBody} made the connection safe to keep or close. */
  private static void refuse(
      HttpServletRequest req,
      HttpServletResponse resp,
      int status,
      String code,
      String message,
      boolean challenge)
      throws IOException {
    if (!resp.isCommitted()) {
      skipUnreadBody(req, resp, status);
    }
    sendError(resp, status, code, message, challenge);
  }

  /**
   * Reads and drops what is left of a refused request's body, up to {@link #SKIPPABLE_BODY_BYTES},
   * so the connection can serve the client's next request. A larger, refused-as-too-large or broken
   * rest closes the connection, and the answer says so: Jetty would close it anyway, but after an
   * answer that promised to keep it, and a client's next request on it (a POST, which clients do
   * not retry) would then fail without any answer.
   */
  private static void skipUnreadBody(HttpServletRequest req, HttpServletResponse resp, int status) {
    if ("close".equalsIgnoreCase(req.getHeader("Connection"))) {
      return; // the client closes it itself
    }
    if (req.getAttribute(BODY_BROKEN) != null) {
      resp.setHeader("Connection", "close");
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      // The client waits for a go-ahead before it sends the body; touching the input would give
      // it (Jetty answers 100 Continue on the first read), and a large body would then meet a
      // closed connection instead of this answer. Closing costs it one reconnect.
      resp.setHeader("Connection", "close");
      return;
    }
    try {
      ServletInputStream in = req.getInputStream();
      if (in.isFinished()) {
        return;
      }
      if (status != 413 && req.getContentLengthLong() <= SKIPPABLE_BODY_BYTES) {
        long skipped = 0;
        byte[] buffer = new byte[16 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          skipped += n;
          if (skipped > SKIPPABLE_BODY_BYTES) {
            break;
          }
        }
        if (in.isFinished()) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // The body is broken or already taken as a reader: the connection cannot be trusted.
    }
    resp.setHeader("Connection", "close");
  }

  /**
   * An image (or trash entry) still recorded whose bytes are gone: a clear error, never an answer
   * as if it were fine or absent. {@code imagestore fsck} reports it.
   */
  static RequestException bytesMissing(ImageId id) {
    return new RequestException(
        500,
        "bytes_missing",
        "the bytes of image " + id + " are missing from the blob store; see imagestore fsck");
  }

  private static HttpException clientError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
        return h;
      }
    }
    return null;
  }

  static RequestException notAllowed(HttpServletRequest req) {
    return new RequestException(
        405, "method_not_allowed", req.getMethod() + " is not supported on " + req.getRequestURI());
  }

  private static void sendError(
      HttpServletResponse resp, int status, String code, String message, boolean challenge)
      throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    resp.resetBuffer();
    ErrorInfo e = new ErrorInfo();
    e.status = status;
    e.error = code;
    e.message = message;
    if (status == 401 && challenge) {
      resp.setHeader("WWW-Authenticate", "Basic realm=\"imagestore\", charset=\"UTF-8\"");
    }
    resp.setHeader("Cache-Control", "no-store");
    sendJson(resp, status, e);
  }

  /**
   * Streams {@code in} (stored bytes) as the body of the answer. The output is left open for the
   * container to complete: closing it here would complete the answer even when reading fails before
   * any byte left (the blob store going away), which then could not become a clean 503.
   */
  static void sendBytes(InputStream in, HttpServletResponse resp) throws IOException {
    in.transferTo(resp.getOutputStream());
  }

  static void sendJson(HttpServletResponse resp, int status, Object body) throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json;charset=utf-8");
    byte[] bytes = Json.gson().toJson(body).getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  static final String JSON = "application/json";

  static RequestException unsupportedMediaType(HttpServletRequest req, String expected) {
    String type = req.getContentType();
    return new RequestException(
        415,
        "unsupported_media_type",
        req.getMethod()
            + " "
            + req.getRequestURI()
            + " expects "
            + expected
            + (type == null ? ", not a body without Content-Type" : ", not " + abbreviate(type)));
  }

  /** A header value as an error message quotes it: the first 100 characters. */
  static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }

  /** The media type of the request body, lowercase, without parameters; null when none. */
  static String mediaType(HttpServletRequest req) {
    String type = req.getContentType();
    if (type == null) {
      return null;
    }
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  static ImageId imageId(String segment) {
    try {
      return ImageId.of(segment);
    } catch (IllegalArgumentException e) {
      throw new RequestException(400, "bad_uuid", e.getMessage());
    }
  }

  /** Whether an {@code If-None-Match} header names {@code etag} (or anything). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
