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
import static java.nio.charset.StandardCharsets.UTF_8;

import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceBucketInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a service of the wire protocol before buckets, as a rolling upgrade meets it:
 * it ignores {@code ?buckets} on the digest and has no {@code PUT /references/buckets} (404). The
 * client must send the whole set, never one bucket's references to a route that would take them for
 * the whole set.
 */
class ReplaceAgainstAnOlderServiceTest {
  private HttpServer server;

  /** Every request: "METHOD path?query". */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  /** The bodies of {@code PUT /references}. */
  private final List<ReferencesInput> replaced = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * An older service storing {@code stored}: its digest answers without buckets, unless {@code
   * bucketDigests} (a newer replica answered the digest, an older one gets the replace).
   */
  private ImagestoreClient olderService(List<ReferenceInfo> stored, boolean bucketDigests)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          URI uri = exchange.getRequestURI();
          requests.add(exchange.getRequestMethod() + " " + uri);
          String path = uri.getPath();
          if (exchange.getRequestMethod().equals("GET") && path.equals("/references/digest")) {
            ReferenceSetInfo info = new ReferenceSetInfo();
            info.project = "p";
            info.count = stored.size();
            info.digest = ReferenceSetDigest.of(stored);
            if (bucketDigests) {
              int n = Integer.parseInt(uri.getQuery().replaceAll(".*buckets=(\\d+).*", "$1"));
              ReferenceBuckets cut = ReferenceBuckets.of(n);
              info.buckets = n;
              info.bucketDigests = new ArrayList<>();
              cut.digestsOfKeys(
                      stored.stream()
                          .map(r -> ReferenceSetDigest.key(r.branch, r.path, r.uuid))
                          .toList())
                  .buckets()
                  .forEach(
                      (bucket, digest) -> {
                        ReferenceBucketInfo b = new ReferenceBucketInfo();
                        b.bucket = bucket;
                        b.count = digest.count();
                        b.digest = digest.digest();
                        info.bucketDigests.add(b);
                      });
            }
            respond(exchange, 200, Json.gson().toJson(info));
          } else if (exchange.getRequestMethod().equals("PUT") && path.equals("/references")) {
            replaced.add(Json.gson().fromJson(new String(body, UTF_8), ReferencesInput.class));
            respond(exchange, 200, "{\"added\":0,\"removed\":1,\"restored\":0}");
          } else {
            respond(
                exchange,
                404,
                "{\"status\":404,\"error\":\"not_found\",\"message\":\"no such resource\"}");
          }
        });
    server.start();
    return new ImagestoreClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "indexer", "pw");
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static List<ReferenceInfo> scanned() {
    Random random = new Random(3);
    List<ReferenceInfo> out = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      out.add(
          new ReferenceInfo(
              "p",
              "refs/heads/master",
              "1111111111111111111111111111111111111111",
              "shot" + i + ".ref.lnk",
              String.format("%016x%016x", random.nextLong(), random.nextLong())));
    }
    return out;
  }

  private static List<ReferenceInfo> drifted(List<ReferenceInfo> set) {
    List<ReferenceInfo> out = new ArrayList<>(set);
    out.add(
        new ReferenceInfo(
            "p",
            "refs/heads/master",
            "1111111111111111111111111111111111111111",
            "stray.ref.lnk",
            "0".repeat(32)));
    return out;
  }

  @Test
  void aServiceWithoutBucketDigestsGetsTheWholeSet() throws Exception {
    List<ReferenceInfo> set = scanned();
    try (ImagestoreClient client = olderService(drifted(set), false)) {
      ReferencesResult result = client.replaceReferences("p", null, set);
      assertThat(result.removed).isEqualTo(1);
      assertThat(result.replacedBuckets).isNull();
    }
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0)).startsWith("GET /references/digest?project=p&buckets=");
    assertThat(requests.get(1)).isEqualTo("PUT /references");
    assertThat(replaced).hasSize(1);
    assertThat(replaced.get(0).references).hasSize(set.size());
  }

  @Test
  void aBucketReplaceAnsweredNotFoundSendsTheWholeSet() throws Exception {
    List<ReferenceInfo> set = scanned();
    try (ImagestoreClient client = olderService(drifted(set), true)) {
      ReferencesResult result = client.replaceReferences("p", null, set);
      assertThat(result.removed).isEqualTo(1);
      assertThat(result.replacedBuckets).isNull();
    }
    assertThat(requests).hasSize(3);
    assertThat(requests.get(1)).startsWith("PUT /references/buckets?buckets=4&bucket=0");
    assertThat(requests.get(2)).isEqualTo("PUT /references");
    assertThat(replaced.get(0).references).hasSize(set.size());
  }
}
