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

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * The upload side of bench/serve.sh: CONNECTIONS threads PUT distinct PNGs for SECONDS; prints
 * "result uploads_per_s N", the count of created images and of errors (any status other than
 * 201), and the 50th and 99th percentiles of the request latency in ms (of every request, errors
 * included). Any HTTP server that answers 201 to a new PUT can be the target (nginx's WebDAV, say:
 * the Authorization header is then ignored).
 *
 * <p>Every request stores new bytes without a pile of files on disk: it takes one of the PNGs in
 * DIR (made by MakeNoisePngs.java) and puts a tEXt chunk with a counter right after IHDR, a valid
 * PNG with the same pixels and its own SHA-256, under a fresh id. RUN_TAG keeps ids of runs apart.
 *
 * <p>Usage: java UploadBench.java URL USER DIR CONNECTIONS SECONDS RUN_TAG (password in
 * BENCH_SERVICE_PASSWORD).
 */
public class UploadBench {
  private static final int IHDR_END = 8 + 4 + 4 + 13 + 4; // signature, IHDR chunk

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((args[1] + ":" + System.getenv("BENCH_SERVICE_PASSWORD")).getBytes());
    List<byte[]> pngs = new ArrayList<>();
    try (var s = Files.list(Path.of(args[2]))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
        pngs.add(Files.readAllBytes(p));
      }
    }
    int connections = Integer.parseInt(args[3]);
    int tag = Integer.parseInt(args[5]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicLong next = new AtomicLong();
    AtomicLong created = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    List<long[]> latencies = new ArrayList<>(); // one {count, micros...} array per thread
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    // From here: on a loaded machine, starting the JVM and its HTTP client can take seconds.
    long start = System.nanoTime();
    long deadline = start + Long.parseLong(args[4]) * 1_000_000_000L;
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < connections; t++) {
      running.add(
          pool.submit(
              () -> {
                long[] mine = new long[1 << 16];
                int count = 0;
                while (System.nanoTime() < deadline) {
                  long i = next.getAndIncrement();
                  byte[] body = distinct(pngs.get((int) (i % pngs.size())), tag, i);
                  // The service stores an upload only under its content's id: the first 128 bits
                  // of its SHA-256.
                  String uuid = contentId(body);
                  HttpRequest put =
                      HttpRequest.newBuilder(base.resolve("images/" + uuid))
                          .header("Authorization", auth)
                          .header("Content-Type", "image/png")
                          .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build();
                  long sent = System.nanoTime();
                  try {
                    int status = http.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 201) {
                      created.incrementAndGet();
                      bytes.addAndGet(body.length);
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                  if (count == mine.length) {
                    mine = Arrays.copyOf(mine, count * 2);
                  }
                  mine[count++] = (System.nanoTime() - sent) / 1000;
                }
                synchronized (latencies) {
                  latencies.add(Arrays.copyOf(mine, count));
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    System.out.printf("result uploads_per_s %.1f%n", created.get() / seconds);
    System.out.printf("result uploads_created %d%n", created.get());
    System.out.printf("result uploads_errors %d%n", errors.get());
    System.out.printf("result uploads_mb_per_s %.1f%n", bytes.get() / seconds / 1e6);
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf("result p50_ms %.1f%n", percentile(all, 0.50) / 1000.0);
    System.out.printf("result p99_ms %.1f%n", percentile(all, 0.99) / 1000.0);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)];
  }

  /** The id the service gives these bytes: the first 32 hex digits of their SHA-256. */
  static String contentId(byte[] body) {
    try {
      byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(body);
      return java.util.HexFormat.of().formatHex(sha, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code png} with a tEXt chunk "bench" = "TAG-I" after its IHDR. */
  static byte[] distinct(byte[] png, int tag, long i) {
    byte[] text = ("bench\0" + tag + "-" + i).getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer chunk = ByteBuffer.allocate(12 + text.length);
    chunk.putInt(text.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(text);
    CRC32 crc = new CRC32();
    crc.update(chunk.array(), 4, 4 + text.length);
    chunk.putInt((int) crc.getValue());
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + chunk.capacity());
    out.write(png, 0, IHDR_END);
    out.writeBytes(chunk.array());
    out.write(png, IHDR_END, png.length - IHDR_END);
    return out.toByteArray();
  }
}
