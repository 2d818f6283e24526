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

package com.googlesource.gerrit.plugins.imagestore.client;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.googlesource.gerrit.plugins.imagestore.client.model.CentralReviewInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against servers that misbehave: a service address that redirects to another origin
 * must not get the credentials there, and a body larger than the server takes must end in the
 * server's 413, not in a connection reset.
 */
class HostileServerTest {
  private static final String SECRET_USER = "gerrit-indexer";

  private HttpServer redirecting;
  private HttpServer elsewhere;

  /** Every request the other origin saw: "METHOD path Authorization". */
  private final List<String> seenElsewhere = new CopyOnWriteArrayList<>();

  private volatile int redirectStatus = 302;

  @BeforeEach
  void start() throws IOException {
    elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    elsewhere.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          seenElsewhere.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = "{}".getBytes(UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    elsewhere.start();
    redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    redirecting.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange
              .getResponseHeaders()
              .set(
                  "Location",
                  url(elsewhere).resolve(exchange.getRequestURI().getPath()).toString());
          exchange.sendResponseHeaders(redirectStatus, -1);
          exchange.close();
        });
    redirecting.start();
  }

  @AfterEach
  void stop() {
    redirecting.stop(0);
    elsewhere.stop(0);
  }

  private static URI url(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Test
  void credentialsNeverFollowARedirect(@TempDir Path dir) throws Exception {
    Path png = Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3});
    ImageId id = ImageId.forContent(new byte[] {1, 2, 3});
    // The library's own client, and a caller's that follows redirects by default (Gerrit's, say).
    try (CloseableHttpClient followsRedirects = HttpClients.createDefault();
        ImagestoreClient own = new ImagestoreClient(url(redirecting), SECRET_USER, "pw");
        ImagestoreClient callers =
            new ImagestoreClient(
                url(redirecting), SECRET_USER, "pw", followsRedirects, RequestConfig.DEFAULT)) {
      for (ImagestoreClient client : List.of(own, callers)) {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
          redirectStatus = status;
          ImagestoreException e = assertThrows(ImagestoreException.class, () -> client.exists(id));
          assertThat(e.status()).isEqualTo(status);
          assertThat(e).hasMessageThat().contains("redirects are not followed");
          assertThrows(ImagestoreException.class, () -> client.info(id));
          assertThrows(ImagestoreException.class, () -> client.upload(png, null));
          assertThrows(
              ImagestoreException.class, () -> client.addReferences(List.<ReferenceInfo>of()));
          assertThrows(
              ImagestoreException.class, () -> client.download(id, dir.resolve("out.png")));
        }
      }
    }
    try (CloseableHttpClient followsRedirects = HttpClients.createDefault();
        GerritReviewClient gerrit =
            new GerritReviewClient(
                url(redirecting), "central-job", "pw", followsRedirects, RequestConfig.DEFAULT)) {
      CentralReviewInput in = new CentralReviewInput();
      in.branch = "master";
      in.images = Map.of();
      for (int status : new int[] {302, 303, 307, 308}) {
        redirectStatus = status;
        ImagestoreException e =
            assertThrows(ImagestoreException.class, () -> gerrit.createReview("p", in));
        assertThat(e.status()).isEqualTo(status);
      }
    }
    assertThat(seenElsewhere).isEmpty();
  }

  @Test
  void anOversizedUploadReadsTheServersRefusal(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.png");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(40L << 20);
    }
    try (RefusingServer server = new RefusingServer();
        ImagestoreClient client = new ImagestoreClient(server.url(), "uploader", "pw")) {
      ImagestoreException e =
          assertThrows(ImagestoreException.class, () -> client.upload(big, null));
      assertThat(e.status()).isEqualTo(413);
      assertThat(e).hasMessageThat().contains("at most 20 MiB");
      assertThat(server.expectHeaders).contains("100-continue");
    }
  }

  /**
   * Refuses every body by its Content-Length, as the service does: answers 413 with an error body
   * right after the headers, reads nothing of the body, and closes the connection.
   */
  private static final class RefusingServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<String> expectHeaders = new CopyOnWriteArrayList<>();
    private final Thread thread = new Thread(this::serve, "refusing-server");

    RefusingServer() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          String head = readHead(s.getInputStream());
          for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("expect:")) {
              expectHeaders.add(line.substring("expect:".length()).trim());
            }
          }
          byte[] body =
              "{\"error\":\"too_large\",\"message\":\"an image is at most 20 MiB\"}"
                  .getBytes(UTF_8);
          OutputStream out = s.getOutputStream();
          out.write(
              ("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + body.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(ISO_8859_1));
          out.write(body);
          out.flush();
        } catch (IOException e) {
          // closed
        }
      }
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = "\r\n\r\n".getBytes(ISO_8859_1);
      for (int b; matched < 4 && (b = in.read()) >= 0; ) {
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
