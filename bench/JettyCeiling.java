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

import com.googlesource.gerrit.plugins.imagestore.service.blob.local.LocalBlobStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * What Jetty alone does on this machine, beside the image service in bench/serve.sh and
 * bench/upload.sh (BENCH_CEILING=1): the service's Jetty (run with the service jar on the class
 * path) built the way {@code http/HttpServer} builds it, with one handler and no application code
 * in front of it: no routing, metrics, authentication, database or PNG check.
 *
 * <ul>
 *   <li>{@code serve FILE}: {@code GET /images/<anything>} answers FILE's bytes from memory (a
 *       direct read-only buffer, duplicated per request, as the service's blob cache hands them
 *       out), with the headers the service sends for a download: X-Content-Type-Options, ETag,
 *       Cache-Control, Content-Type, Content-Length (and Jetty's Date). {@code --in-selector}
 *       declares the handler non-blocking, so Jetty may answer in its selector thread instead of
 *       handing each request to the pool (the service's handlers are blocking).
 *   <li>{@code receive DIR}: {@code PUT /images/<anything>} streams the body into a new file below
 *       DIR/.tmp while hashing it with SHA-256 (64 KiB at a time, as the service's {@code
 *       IncomingImage} does), then stores it with the service's own {@code LocalBlobStore.put}:
 *       linked into place as DIR/ab/cd/SHA256, the file and its directory fsynced; answers 201 with
 *       {@code {"uuid":...}}. Nothing else: no database, no PNG check, no authentication.
 * </ul>
 *
 * <p>Listens on a free loopback port and prints "jetty-ceiling listening on URL" once it serves.
 *
 * <p>Usage: java -cp imagestore-service.jar JettyCeiling.java serve FILE [--in-selector] | receive
 * DIR
 */
public class JettyCeiling {
  private static final HttpField NOSNIFF =
      new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
  private static final HttpField PNG =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "image/png");
  private static final HttpField IMMUTABLE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "public, max-age=31536000, immutable");
  private static final HttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");

  /** A body larger than this is refused (413): the service's default image limit is far below. */
  private static final long MAX_BODY_BYTES = 64L * 1024 * 1024;

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: JettyCeiling serve FILE [--in-selector] | receive DIR");
      System.exit(2);
    }
    Handler handler =
        switch (args[0]) {
          case "serve" -> {
            Serve serve = new Serve(Path.of(args[1]));
            yield args.length > 2 && args[2].equals("--in-selector")
                ? new InSelector(serve)
                : serve;
          }
          case "receive" -> new Receive(new LocalBlobStore(Path.of(args[1])));
          default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        };

    // As http/HttpServer.start: the same pool, configuration and connector, Jetty's defaults for
    // everything it leaves unset (acceptors, selectors, buffers). The pool's name is the service's
    // too, so bench/JfrTop.java reads a recording of either alike.
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("imagestore-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(handler);
    server.start();
    System.out.printf(
        "jetty %s: %d acceptor(s), %d selector(s), pool %d-%d threads, output buffer %d bytes,"
            + " handler %s%n",
        Jetty.VERSION,
        connector.getAcceptors(),
        connector.getSelectorManager().getSelectorCount(),
        threads.getMinThreads(),
        threads.getMaxThreads(),
        http.getOutputBufferSize(),
        handler.getInvocationType());
    System.out.println(
        "jetty-ceiling listening on http://127.0.0.1:" + connector.getLocalPort() + "/");
    System.out.flush();
    server.join();
  }

  private static boolean isImagePath(Request request) {
    return Request.getPathInContext(request).startsWith("/images/");
  }

  /** GET /images/*: one file's bytes from memory with the service's download headers. */
  static class Serve extends Handler.Abstract {
    private final ByteBuffer bytes;
    private final String etag;

    Serve(Path file) throws Exception {
      byte[] content = Files.readAllBytes(file);
      ByteBuffer direct = ByteBuffer.allocateDirect(content.length).put(content);
      this.bytes = direct.flip().asReadOnlyBuffer();
      this.etag =
          '"'
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content))
              + '"';
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (!HttpMethod.GET.is(request.getMethod()) || !isImagePath(request)) {
        return false; // Jetty answers 404
      }
      response.getHeaders().put(NOSNIFF);
      response.setStatus(200);
      response
          .getHeaders()
          .put(HttpHeader.ETAG, etag)
          .put(IMMUTABLE)
          .put(PNG)
          .put(HttpHeader.CONTENT_LENGTH, bytes.remaining());
      response.write(true, bytes.duplicate(), callback);
      return true;
    }
  }

  /** The same answer, declared non-blocking: Jetty may run it in the selector thread. */
  static class InSelector extends Handler.Abstract.NonBlocking {
    private final Serve serve;

    InSelector(Serve serve) {
      this.serve = serve;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      return serve.handle(request, response, callback);
    }
  }

  /** PUT /images/*: the body hashed, spooled, linked into place and fsynced; 201. */
  static class Receive extends Handler.Abstract {
    private final LocalBlobStore store;

    Receive(LocalBlobStore store) {
      this.store = store;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      if (!HttpMethod.PUT.is(request.getMethod()) || !isImagePath(request)) {
        return false;
      }
      Path file = Files.createTempFile(store.tmpDir(), "upload-", ".png");
      String sha256;
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Content.Source.asInputStream(request);
            OutputStream out = Files.newOutputStream(file)) {
          int n;
          while ((n = in.read(buf)) > 0) {
            size += n;
            if (size > MAX_BODY_BYTES) {
              Response.writeError(request, response, callback, 413);
              return true;
            }
            digest.update(buf, 0, n);
            out.write(buf, 0, n);
          }
        }
        sha256 = HexFormat.of().formatHex(digest.digest());
        store.put(sha256, file);
      } finally {
        Files.deleteIfExists(file);
      }
      String id = sha256.substring(0, 32);
      byte[] body = ("{\"uuid\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
      response.getHeaders().put(NOSNIFF);
      response.setStatus(201);
      response
          .getHeaders()
          .put(HttpHeader.LOCATION, "/images/" + id)
          .put(JSON)
          .put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
