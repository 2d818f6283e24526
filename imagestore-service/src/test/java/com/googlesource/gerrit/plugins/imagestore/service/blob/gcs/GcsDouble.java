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

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A double of the Google Cloud Storage JSON API over HTTP on a loopback port, for the real
 * google-cloud-storage client ({@code StorageOptions.http().setHost(double.host())}), with faults
 * switchable at run time per {@link Op operation}: an error status (500, 503, 429 …), a slow
 * answer, or a connection dropped in the middle of the answer.
 *
 * <p>It implements what {@link GcsBlobStore} uses, as the real service answers it: object metadata
 * ({@code GET …/o/NAME}), media with {@code Range} ({@code ?alt=media}, pinned to a generation like
 * the client asks), delete, list with prefix and page tokens, and the three kinds of insert the
 * client chooses from: resumable sessions (start, chunks, status queries, finalize, with the
 * client's CRC32C checked), multipart and media uploads. Objects live in memory; each write
 * replaces an object whole and atomically, as a finalized GCS upload does.
 */
public final class GcsDouble implements AutoCloseable {
  /** The operations faults are injected into. */
  public enum Op {
    /** Object metadata: {@code GET /storage/v1/b/B/o/NAME}. */
    GET,
    /** Object bytes: {@code GET …/o/NAME?alt=media}. */
    READ,
    /** A new upload: a resumable session's start, a multipart or media upload. */
    INSERT,
    /** A {@code PUT} to a resumable session: bytes, a status query, the finalizing chunk. */
    UPLOAD,
    DELETE,
    LIST
  }

  /** What an operation suffers instead of (or on the way to) its answer. */
  public record Fault(int status, Duration delay, boolean drops) {
    /** Answers {@code status} with a JSON error, doing nothing. */
    public static Fault status(int status) {
      return new Fault(status, Duration.ZERO, false);
    }

    /** Waits {@code delay}, then does and answers the operation as usual. */
    public static Fault slow(Duration delay) {
      return new Fault(0, delay, false);
    }

    /**
     * Does the operation, then closes the connection in the middle of the answer (or before any of
     * it when it has no body): the client cannot tell whether it happened.
     */
    public static Fault drop() {
      return new Fault(0, Duration.ZERO, true);
    }
  }

  private record Plan(Fault fault, AtomicInteger remaining) {}

  private record StoredObject(
      String bucket, String name, byte[] data, long generation, Instant at) {
    String key() {
      return bucket + "/" + name;
    }
  }

  private static final class Session {
    final String bucket;
    final String name;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    StoredObject finalized;

    Session(String bucket, String name) {
      this.bucket = bucket;
      this.name = name;
    }
  }

  private record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer json(int status, JsonObject json) {
      return new Answer(
          status,
          Map.of("Content-Type", "application/json; charset=UTF-8"),
          json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Answer empty(int status, Map<String, String> headers) {
      return new Answer(status, headers, new byte[0]);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(GcsDouble::daemon);
  private final NavigableMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<Op, Plan> faults = new ConcurrentHashMap<>();
  private final Map<Op, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger faultsInjected = new AtomicInteger();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);

  private GcsDouble(HttpServer server) {
    this.server = server;
  }

  /** Starts a double on a free loopback port. */
  public static GcsDouble start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    GcsDouble gcs = new GcsDouble(server);
    server.setExecutor(gcs.threads);
    server.createContext("/", gcs::handle);
    server.start();
    return gcs;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "gcs-double");
    t.setDaemon(true);
    return t;
  }

  /** The value for {@code StorageOptions.Builder.setHost}. */
  public String host() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@code op} suffers {@code fault} for its next {@code times} requests. */
  public void fail(Op op, Fault fault, int times) {
    faults.put(op, new Plan(fault, new AtomicInteger(times)));
  }

  /** {@code op} suffers {@code fault} until {@link #heal}. */
  public void failAlways(Op op, Fault fault) {
    fail(op, fault, Integer.MAX_VALUE);
  }

  /** Every operation works again. */
  public void heal() {
    faults.clear();
  }

  /** How many requests suffered a fault so far. */
  public int faultsInjected() {
    return faultsInjected.get();
  }

  /** How many requests of {@code op} arrived so far. */
  public int requests(Op op) {
    return requests.computeIfAbsent(op, o -> new AtomicInteger()).get();
  }

  /** The names of the objects in {@code bucket}. */
  public Set<String> names(String bucket) {
    Set<String> out = new TreeSet<>();
    for (StoredObject o : objects.values()) {
      if (o.bucket().equals(bucket)) {
        out.add(o.name());
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  // --- the protocol

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = readBody(exchange);
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String method = exchange.getRequestMethod();
      Op op = operation(method, path, query);
      if (op == null) {
        send(exchange, error(404, "notFound", "no such API: " + method + " " + path), false);
        return;
      }
      requests.computeIfAbsent(op, o -> new AtomicInteger()).incrementAndGet();
      Fault fault = takeFault(op);
      if (fault != null && fault.status() != 0) {
        send(exchange, error(fault.status(), reason(fault.status()), "injected fault"), false);
        return;
      }
      if (fault != null && !fault.delay().isZero()) {
        sleep(fault.delay());
      }
      Answer answer;
      try {
        answer = answer(op, exchange, path, query, body);
      } catch (RuntimeException e) {
        answer = error(400, "invalid", String.valueOf(e));
      }
      send(exchange, answer, fault != null && fault.drops());
    }
  }

  private Fault takeFault(Op op) {
    Plan plan = faults.get(op);
    if (plan == null || plan.remaining().getAndDecrement() <= 0) {
      return null;
    }
    faultsInjected.incrementAndGet();
    return plan.fault();
  }

  private static Op operation(String method, String path, Map<String, String> query) {
    String p = path.startsWith("/download/") ? path.substring("/download".length()) : path;
    if (p.startsWith("/upload/storage/v1/b/") && p.endsWith("/o")) {
      return switch (method) {
        case "POST" -> Op.INSERT;
        case "PUT" -> query.containsKey("upload_id") ? Op.UPLOAD : null;
        default -> null;
      };
    }
    if (!p.startsWith("/storage/v1/b/")) {
      return null;
    }
    String[] parts = p.substring("/storage/v1/b/".length()).split("/", -1);
    if (parts.length == 2 && parts[1].equals("o") && method.equals("GET")) {
      return Op.LIST;
    }
    if (parts.length == 3 && parts[1].equals("o")) {
      return switch (method) {
        case "GET" -> "media".equals(query.get("alt")) ? Op.READ : Op.GET;
        case "DELETE" -> Op.DELETE;
        default -> null;
      };
    }
    return null;
  }

  private Answer answer(
      Op op, HttpExchange exchange, String path, Map<String, String> query, byte[] body) {
    String p = path.startsWith("/download/") ? path.substring("/download".length()) : path;
    String[] parts = p.substring(p.indexOf("/b/") + 3).split("/", -1);
    String bucket = decode(parts[0]);
    return switch (op) {
      case GET -> {
        StoredObject o = find(bucket, decode(parts[2]), query);
        yield o == null ? notFound(bucket, parts[2]) : Answer.json(200, resource(o));
      }
      case READ ->
          read(bucket, decode(parts[2]), query, exchange.getRequestHeaders().getFirst("Range"));
      case DELETE -> {
        StoredObject o = objects.remove(bucket + "/" + decode(parts[2]));
        yield o == null ? notFound(bucket, parts[2]) : Answer.empty(204, Map.of());
      }
      case LIST -> list(bucket, query);
      case INSERT -> insert(exchange, bucket, query, body);
      case UPLOAD ->
          upload(
              query.get("upload_id"),
              exchange.getRequestHeaders().getFirst("Content-Range"),
              exchange.getRequestHeaders().getFirst("x-goog-hash"),
              body);
    };
  }

  private StoredObject find(String bucket, String name, Map<String, String> query) {
    StoredObject o = objects.get(bucket + "/" + name);
    String generation = query.get("generation");
    if (o != null && generation != null && Long.parseLong(generation) != o.generation()) {
      return null; // that generation is gone
    }
    return o;
  }

  private Answer read(String bucket, String name, Map<String, String> query, String range) {
    StoredObject o = find(bucket, name, query);
    if (o == null) {
      return notFound(bucket, name);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/octet-stream");
    headers.put("x-goog-generation", Long.toString(o.generation()));
    headers.put("x-goog-metageneration", "1");
    headers.put("x-goog-stored-content-length", Integer.toString(o.data().length));
    headers.put("x-goog-stored-content-encoding", "identity");
    headers.put("x-goog-storage-class", "STANDARD");
    headers.put("x-goog-hash", "crc32c=" + crc32c(o.data()) + ",md5=" + md5(o.data()));
    if (range == null) {
      return new Answer(200, headers, o.data());
    }
    // bytes=FROM- or bytes=FROM-TO (inclusive)
    String spec = range.substring("bytes=".length());
    int dash = spec.indexOf('-');
    long from = Long.parseLong(spec.substring(0, dash));
    long to =
        dash == spec.length() - 1
            ? o.data().length - 1
            : Math.min(Long.parseLong(spec.substring(dash + 1)), o.data().length - 1);
    if (from >= o.data().length) {
      headers.put("Content-Range", "bytes */" + o.data().length);
      return new Answer(
          416, headers, errorJson(416, "requestedRangeNotSatisfiable", "range").getBytes());
    }
    byte[] slice = Arrays.copyOfRange(o.data(), (int) from, (int) to + 1);
    headers.put("Content-Range", "bytes " + from + "-" + to + "/" + o.data().length);
    return new Answer(206, headers, slice);
  }

  private Answer list(String bucket, Map<String, String> query) {
    String prefix = query.getOrDefault("prefix", "");
    int max = Integer.parseInt(query.getOrDefault("maxResults", "1000"));
    String token = query.get("pageToken");
    String from =
        token == null
            ? bucket + "/" + prefix
            : new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    JsonArray items = new JsonArray();
    String next = null;
    for (StoredObject o : objects.tailMap(from, true).values()) {
      if (!o.bucket().equals(bucket) || !o.name().startsWith(prefix)) {
        break;
      }
      if (items.size() == max) {
        next = Base64.getUrlEncoder().encodeToString(o.key().getBytes(StandardCharsets.UTF_8));
        break;
      }
      items.add(resource(o));
    }
    JsonObject out = new JsonObject();
    out.addProperty("kind", "storage#objects");
    if (!items.isEmpty()) {
      out.add("items", items);
    }
    if (next != null) {
      out.addProperty("nextPageToken", next);
    }
    return Answer.json(200, out);
  }

  private Answer insert(
      HttpExchange exchange, String bucket, Map<String, String> query, byte[] body) {
    String type = query.get("uploadType");
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    switch (type == null ? "" : type) {
      case "resumable" -> {
        String name = nameOf(query, body.length == 0 ? null : parseJson(body));
        String id = UUID.randomUUID().toString().replace("-", "");
        sessions.put(id, new Session(bucket, name));
        String host = exchange.getRequestHeaders().getFirst("Host");
        return Answer.empty(
            200,
            Map.of(
                "Location",
                "http://"
                    + host
                    + "/upload/storage/v1/b/"
                    + bucket
                    + "/o?uploadType=resumable&upload_id="
                    + id));
      }
      case "multipart" -> {
        byte[][] parts = multipart(contentType, body);
        String name = nameOf(query, parseJson(parts[0]));
        return Answer.json(200, resource(store(bucket, name, parts[1])));
      }
      case "media" -> {
        return Answer.json(200, resource(store(bucket, nameOf(query, null), body)));
      }
      default -> {
        return error(400, "invalid", "unknown uploadType " + type);
      }
    }
  }

  private Answer upload(String id, String contentRange, String hash, byte[] body) {
    Session session = sessions.get(id);
    if (session == null) {
      return error(404, "notFound", "no upload session " + id);
    }
    synchronized (session) {
      if (session.finalized != null) {
        return Answer.json(200, resource(session.finalized));
      }
      // "bytes */*" (status), "bytes */TOTAL" (finalize), "bytes A-B/TOTAL" or "bytes A-B/*"
      String spec = contentRange.substring("bytes ".length());
      int slash = spec.indexOf('/');
      String range = spec.substring(0, slash);
      String total = spec.substring(slash + 1);
      if (!range.equals("*")) {
        long from = Long.parseLong(range.substring(0, range.indexOf('-')));
        long have = session.received.size();
        if (from > have) {
          return error(400, "invalid", "content-range starts past the bytes received");
        }
        int skip = (int) (have - from);
        if (skip < body.length) {
          session.received.write(body, skip, body.length - skip);
        }
      }
      if (!total.equals("*") && Long.parseLong(total) == session.received.size()) {
        byte[] data = session.received.toByteArray();
        if (hash != null && hash.startsWith("crc32c=") && !hash.substring(7).equals(crc32c(data))) {
          return error(400, "invalid", "the crc32c of the object does not match");
        }
        session.finalized = store(session.bucket, session.name, data);
        return Answer.json(200, resource(session.finalized));
      }
      long size = session.received.size();
      return Answer.empty(308, size == 0 ? Map.of() : Map.of("Range", "bytes=0-" + (size - 1)));
    }
  }

  private StoredObject store(String bucket, String name, byte[] data) {
    StoredObject o =
        new StoredObject(bucket, name, data, generations.incrementAndGet(), Instant.now());
    objects.put(o.key(), o);
    return o;
  }

  private static String nameOf(Map<String, String> query, JsonObject metadata) {
    if (query.containsKey("name")) {
      return query.get("name");
    }
    if (metadata != null && metadata.has("name")) {
      return metadata.get("name").getAsString();
    }
    throw new IllegalArgumentException("the upload names no object");
  }

  /** The two parts of a multipart/related upload: metadata JSON and media. */
  private static byte[][] multipart(String contentType, byte[] body) {
    int at = contentType.indexOf("boundary=");
    String boundary = contentType.substring(at + "boundary=".length()).replace("\"", "").trim();
    // ISO-8859-1 maps each byte to one char and back: indexOf on the text finds byte positions.
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + boundary;
    byte[][] parts = new byte[2][];
    int from = text.indexOf(delimiter);
    for (int i = 0; i < 2; i++) {
      int headersEnd = text.indexOf("\r\n\r\n", from) + 4;
      int end = text.indexOf("\r\n" + delimiter, headersEnd);
      parts[i] = text.substring(headersEnd, end).getBytes(StandardCharsets.ISO_8859_1);
      from = end + 2;
    }
    return parts;
  }

  private static JsonObject resource(StoredObject o) {
    JsonObject json = new JsonObject();
    json.addProperty("kind", "storage#object");
    json.addProperty("id", o.bucket() + "/" + o.name() + "/" + o.generation());
    json.addProperty("name", o.name());
    json.addProperty("bucket", o.bucket());
    json.addProperty("generation", Long.toString(o.generation()));
    json.addProperty("metageneration", "1");
    json.addProperty("contentType", "application/octet-stream");
    json.addProperty("storageClass", "STANDARD");
    json.addProperty("size", Integer.toString(o.data().length));
    json.addProperty("md5Hash", md5(o.data()));
    json.addProperty("crc32c", crc32c(o.data()));
    json.addProperty("etag", "C" + o.generation());
    json.addProperty("timeCreated", o.at().toString());
    json.addProperty("updated", o.at().toString());
    return json;
  }

  private static Answer notFound(String bucket, String name) {
    return error(404, "notFound", "No such object: " + bucket + "/" + decode(name));
  }

  private static Answer error(int status, String reason, String message) {
    return new Answer(
        status,
        Map.of("Content-Type", "application/json; charset=UTF-8"),
        errorJson(status, reason, message).getBytes(StandardCharsets.UTF_8));
  }

  private static String errorJson(int status, String reason, String message) {
    JsonObject e = new JsonObject();
    e.addProperty("code", status);
    e.addProperty("message", message);
    JsonArray errors = new JsonArray();
    JsonObject one = new JsonObject();
    one.addProperty("reason", reason);
    one.addProperty("message", message);
    errors.add(one);
    e.add("errors", errors);
    JsonObject out = new JsonObject();
    out.add("error", e);
    return out.toString();
  }

  private static String reason(int status) {
    return switch (status) {
      case 429 -> "rateLimitExceeded";
      case 503 -> "backendError";
      case 500 -> "internalError";
      default -> "injected";
    };
  }

  // --- HTTP plumbing

  private static void send(HttpExchange exchange, Answer answer, boolean drop) throws IOException {
    if (drop && answer.body().length < 2) {
      return; // closing the exchange before any answer drops the connection
    }
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    boolean noBody = answer.body().length == 0 || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
    if (noBody) {
      return;
    }
    OutputStream out = exchange.getResponseBody();
    if (drop) {
      // Half the promised bytes, then the connection closes (the exchange sees them missing).
      out.write(answer.body(), 0, answer.body().length / 2);
      out.flush();
      return;
    }
    out.write(answer.body());
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    byte[] raw = in.readAllBytes();
    if ("gzip".equalsIgnoreCase(encoding)) {
      try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        return gz.readAllBytes();
      }
    }
    return raw;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          decode(eq < 0 ? pair : pair.substring(0, eq)),
          eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static JsonObject parseJson(byte[] body) {
    return JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  private static String crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return Base64.getEncoder()
        .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
