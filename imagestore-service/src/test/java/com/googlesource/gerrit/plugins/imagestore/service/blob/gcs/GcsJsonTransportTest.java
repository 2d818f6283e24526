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

package com.googlesource.gerrit.plugins.imagestore.service.blob.gcs;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.cloud.NoCredentials;
import com.googlesource.gerrit.plugins.imagestore.client.ImageId;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production client (JSON API over HTTP) against a loopback endpoint that knows no objects: the
 * requests are JSON API ones, missing objects read as absent, and no gRPC class is on the class
 * path, so none can be loaded.
 */
class GcsJsonTransportTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
          byte[] body =
              "{\"error\":{\"code\":404,\"message\":\"No such object\"}}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(404, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void missingObjectsAreAbsentOverTheJsonApi() throws Exception {
    GcsBlobStore store =
        new GcsBlobStore(
            GcsBlobStore.httpStorage(
                NoCredentials.getInstance(), "http://127.0.0.1:" + server.getAddress().getPort()),
            "bucket-1",
            "p/");
    String sha = ImageId.sha256Hex(new byte[] {1});
    assertThat(store.exists(sha)).isFalse();
    assertThat(store.open(sha)).isEmpty();
    assertThat(store.delete(sha)).isFalse();
    assertThat(requests).contains("GET /storage/v1/b/bucket-1/o/p%2F" + sha);
    assertThat(requests).contains("DELETE /storage/v1/b/bucket-1/o/p%2F" + sha);
  }

  @Test
  void noGrpcOnTheClassPath() {
    for (String grpc :
        List.of(
            "io.grpc.ManagedChannel",
            "io.grpc.Channel",
            "io.grpc.protobuf.ProtoUtils",
            "com.google.api.gax.grpc.GrpcTransportChannel",
            "com.google.storage.v2.StorageGrpc")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(grpc), grpc);
    }
  }
}
