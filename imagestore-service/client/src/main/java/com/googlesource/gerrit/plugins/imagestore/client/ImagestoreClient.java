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

import com.google.gson.JsonIOException;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonWriter;
import com.googlesource.gerrit.plugins.imagestore.client.compare.Comparison;
import com.googlesource.gerrit.plugins.imagestore.client.model.DiffInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ErrorInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ImageInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceBucketInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferenceSetInfo;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesInput;
import com.googlesource.gerrit.plugins.imagestore.client.model.ReferencesResult;
import com.googlesource.gerrit.plugins.imagestore.client.model.UploadMeta;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHeaders;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpDelete;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpHead;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpPut;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.client.utils.URIBuilder;
import org.apache.http.entity.AbstractHttpEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.FileEntity;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * Talks to the image service. The Gerrit plugin and the command line tool both use it, so the wire
 * format lives here once. Thread-safe.
 */
public class ImagestoreClient implements Closeable {
  private final URI baseUrl;
  private final String authorization;
  private final CloseableHttpClient http;
  private final RequestConfig requestConfig;
  private final boolean ownsHttp;

  /**
   * @param baseUrl the service root, e.g. {@code http://localhost:8080/}
   * @param username null for anonymous (read-only) use
   * @param http a client the caller owns (Gerrit's, say); {@link #close()} leaves it open
   * @param requestConfig timeouts for every request (the client's defaults do not apply: each
   *     request carries its own configuration, see {@link #requestConfig(RequestConfig, boolean)})
   */
  public ImagestoreClient(
      URI baseUrl,
      String username,
      String password,
      CloseableHttpClient http,
      RequestConfig requestConfig) {
    this(baseUrl, username, password, http, requestConfig, false);
  }

  /** A client with its own connection pool, closed by {@link #close()}. */
  public ImagestoreClient(URI baseUrl, String username, String password) {
    this(baseUrl, username, password, newHttpClient(), RequestConfig.DEFAULT, true);
  }

  private ImagestoreClient(
      URI baseUrl,
      String username,
      String password,
      CloseableHttpClient http,
      RequestConfig requestConfig,
      boolean ownsHttp) {
    String base = baseUrl.toString();
    this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
    this.authorization = username == null ? null : basicAuthorization(username, password);
    this.http = http;
    this.requestConfig = requestConfig;
    this.ownsHttp = ownsHttp;
  }

  /**
   * An HTTP client as this library needs it: system proxy settings, no cookies, and no redirect
   * handling (credentials are set by hand and must never follow a redirect to another origin).
   */
  public static CloseableHttpClient newHttpClient() {
    return HttpClients.custom()
        .useSystemProperties()
        .disableCookieManagement()
        .disableRedirectHandling()
        .build();
  }

  /**
   * The configuration each request of this library carries, whatever client runs it: {@code base}'s
   * timeouts, redirects never followed (an {@code Authorization} header set by hand would go along
   * to wherever the redirect points; a 3xx is reported as an error instead), and {@code Expect:
   * 100-continue} for requests with a body, so that a body the service refuses by its length (413)
   * is not sent and the refusal is read instead of a connection reset.
   */
  static RequestConfig requestConfig(RequestConfig base, boolean withBody) {
    return RequestConfig.copy(base)
        .setRedirectsEnabled(false)
        .setRelativeRedirectsAllowed(false)
        .setCircularRedirectsAllowed(false)
        .setExpectContinueEnabled(withBody)
        .build();
  }

  /** The {@code Authorization} header of HTTP Basic for these credentials (UTF-8). */
  static String basicAuthorization(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (username + ":" + (password == null ? "" : password))
                    .getBytes(StandardCharsets.UTF_8));
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** The public download address of an image. */
  public URI imageUrl(ImageId id) {
    return baseUrl.resolve("images/" + id.value());
  }

  /** Whether an upload created the image or found it already stored. */
  public record Upload(ImageId id, boolean created) {}

  /**
   * Uploads a PNG under its content-derived id ({@code PUT /images/{id}}); uploading the same bytes
   * again is harmless.
   *
   * @param meta UIVeri5-style metadata to store with a new image, or null
   */
  public Upload upload(Path png, UploadMeta meta) throws IOException {
    ImageId id = ImageId.fromSha256(sha256Of(png));
    HttpPut put = new HttpPut(imageUrl(id));
    put.setEntity(new FileEntity(png.toFile(), ContentType.create("image/png")));
    if (meta != null) {
      put.setHeader(META_HEADER, Json.gson().toJson(meta));
    }
    int status = execute(put, r -> r.getStatusLine().getStatusCode());
    return new Upload(id, status == 201);
  }

  /**
   * Header carrying upload metadata on {@code PUT /images/{uuid}} (the multipart form has a part).
   */
  public static final String META_HEADER = "X-Imagestore-Meta";

  public boolean exists(ImageId id) throws IOException {
    HttpHead head = new HttpHead(imageUrl(id));
    return execute(head, r -> true, 404).isPresent();
  }

  /**
   * Downloads an image to {@code target}, atomically: the file appears complete or not at all.
   *
   * @return false when the service does not have the image
   */
  public boolean download(ImageId id, Path target) throws IOException {
    return downloadTo(imageUrl(id), target);
  }

  private boolean downloadTo(URI url, Path target) throws IOException {
    HttpGet get = new HttpGet(url);
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".download-", ".tmp");
    try {
      Optional<Long> copied =
          execute(
              get,
              r -> {
                try (InputStream in = r.getEntity().getContent()) {
                  return Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
              },
              404);
      if (copied.isEmpty()) {
        return false;
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public Optional<ImageInfo> info(ImageId id) throws IOException {
    HttpGet get = new HttpGet(baseUrl.resolve("images/" + id.value() + "/info"));
    return execute(get, r -> readJson(r, ImageInfo.class), 404);
  }

  /**
   * How to compare two images and the pass rule for the verdict; a null field takes the service's
   * default (threshold 0.1, anti-aliasing not counted, below 0.1 % and below 200 pixels).
   */
  public record DiffQuery(
      Double threshold,
      Boolean includeAntialiasing,
      Double maxMismatchPercentage,
      Long maxMismatchedPixels) {
    public static final DiffQuery DEFAULTS = new DiffQuery(null, null, null, null);
  }

  /** The public address of the diff picture of {@code a} and {@code b} (a PNG). */
  public URI diffUrl(ImageId a, ImageId b) {
    return diffUrl(a, b, DiffQuery.DEFAULTS);
  }

  /** The public address of the diff picture of {@code a} and {@code b} compared as {@code q}. */
  public URI diffUrl(ImageId a, ImageId b, DiffQuery q) {
    return diffAddress(a, b, "", q, false);
  }

  /** The public address of the figures of {@code a} against {@code b} (JSON), default rule. */
  public URI diffInfoUrl(ImageId a, ImageId b) {
    return diffAddress(a, b, "/info", DiffQuery.DEFAULTS, true);
  }

  /** Compares {@code a} with {@code b}; empty when the service lacks one of them. */
  public Optional<DiffInfo> diffInfo(ImageId a, ImageId b) throws IOException {
    return diffInfo(a, b, DiffQuery.DEFAULTS);
  }

  /** Compares {@code a} with {@code b} as {@code q}; empty when the service lacks one of them. */
  public Optional<DiffInfo> diffInfo(ImageId a, ImageId b, DiffQuery q) throws IOException {
    HttpGet get = new HttpGet(diffAddress(a, b, "/info", q, true));
    return execute(get, r -> readJson(r, DiffInfo.class), 404);
  }

  /**
   * The public address of the diff picture of {@code a} and {@code b} compared as {@code c} (the
   * picture shows its ignored regions).
   */
  public URI diffUrl(ImageId a, ImageId b, Comparison c) {
    return diffAddress(a, b, "", c.queryParameters(false));
  }

  /** The public address of the figures of {@code a} against {@code b} compared as {@code c}. */
  public URI diffInfoUrl(ImageId a, ImageId b, Comparison c) {
    return diffAddress(a, b, "/info", c.queryParameters(true));
  }

  /**
   * Compares {@code a} with {@code b} as {@code c}: its tolerances, ignore regions and pass rule;
   * empty when the service lacks one of them.
   */
  public Optional<DiffInfo> diffInfo(ImageId a, ImageId b, Comparison c) throws IOException {
    HttpGet get = new HttpGet(diffInfoUrl(a, b, c));
    return execute(get, r -> readJson(r, DiffInfo.class), 404);
  }

  private URI diffAddress(
      ImageId a, ImageId b, String suffix, List<Map.Entry<String, String>> query) {
    try {
      URIBuilder uri =
          new URIBuilder(baseUrl.resolve("diff/" + a.value() + "/" + b.value() + suffix));
      for (Map.Entry<String, String> p : query) {
        uri.addParameter(p.getKey(), p.getValue());
      }
      return uri.build();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Downloads the diff picture of {@code a} and {@code b} to {@code target}, atomically.
   *
   * @return false when the service lacks one of the images
   */
  public boolean downloadDiff(ImageId a, ImageId b, DiffQuery q, Path target) throws IOException {
    return downloadTo(diffUrl(a, b, q), target);
  }

  private URI diffAddress(ImageId a, ImageId b, String suffix, DiffQuery q, boolean withRule) {
    try {
      URIBuilder uri =
          new URIBuilder(baseUrl.resolve("diff/" + a.value() + "/" + b.value() + suffix));
      if (q.threshold() != null) {
        uri.addParameter("threshold", q.threshold().toString());
      }
      if (q.includeAntialiasing() != null) {
        uri.addParameter("includeAntialiasing", q.includeAntialiasing().toString());
      }
      // The rule only changes the verdict in the info, not the picture.
      if (withRule && q.maxMismatchPercentage() != null) {
        uri.addParameter("maxMismatchPercentage", q.maxMismatchPercentage().toString());
      }
      if (withRule && q.maxMismatchedPixels() != null) {
        uri.addParameter("maxMismatchedPixels", q.maxMismatchedPixels().toString());
      }
      return uri.build();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Lists image ids, {@code limit} at a time, starting after {@code after} (null for the first).
   */
  public List<ImageId> listImages(ImageId after, int limit) throws IOException {
    List<String> ids = list("images/", after, limit, null, new TypeToken<List<String>>() {});
    return ids.stream().map(ImageId::of).toList();
  }

  /** Lists images that have been orphaned for at least {@code minAgeSeconds}, in id order. */
  public List<ImageInfo> listOrphans(ImageId after, int limit, long minAgeSeconds)
      throws IOException {
    return list("orphans", after, limit, minAgeSeconds, new TypeToken<List<ImageInfo>>() {});
  }

  private <T> List<T> list(
      String path, ImageId after, int limit, Long minAgeSeconds, TypeToken<List<T>> type)
      throws IOException {
    try {
      URIBuilder uri = new URIBuilder(baseUrl.resolve(path)).addParameter("limit", "" + limit);
      if (after != null) {
        uri.addParameter("after", after.value());
      }
      if (minAgeSeconds != null) {
        uri.addParameter("minAge", minAgeSeconds + "s");
      }
      return execute(new HttpGet(uri.build()), r -> readJson(r, type.getType()));
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /** Deletes an orphaned image; false when it was not there. */
  public boolean deleteOrphan(ImageId id) throws IOException {
    return execute(new HttpDelete(baseUrl.resolve("orphans/" + id.value())), r -> true, 404)
        .isPresent();
  }

  /** Adds references (idempotent). */
  public ReferencesResult addReferences(List<ReferenceInfo> references) throws IOException {
    ReferencesInput in = new ReferencesInput();
    in.references = references;
    HttpPost post = new HttpPost(baseUrl.resolve("references"));
    post.setEntity(json(in));
    return execute(post, r -> readJson(r, ReferencesResult.class));
  }

  /**
   * Replaces every reference of {@code project} (or of one {@code branch} of it when not null) by
   * {@code references}, in one transaction. Asks for the stored set's digest first and sends
   * nothing when it matches: the usual outcome of a scheduled reconcile. When it differs, sends
   * only the {@link ReferenceBuckets} whose digests differ (a drift of a few references costs a few
   * buckets, not the whole set); a service without buckets gets the whole set.
   */
  public ReferencesResult replaceReferences(
      String project, String branch, List<ReferenceInfo> references) throws IOException {
    return replaceReferences(project, branch, references, null);
  }

  /**
   * Like {@link #replaceReferences(String, String, List)}; {@code storedWhole}, when not null, is
   * the stored set's digest (without buckets) read just before the scan: a scanned set equal to it
   * is unchanged without a second pass over the stored rows.
   */
  private ReferencesResult replaceReferences(
      String project, String branch, List<ReferenceInfo> references, ReferenceSetInfo storedWhole)
      throws IOException {
    // An invalid uuid has no bucket: the whole set goes, and the service says what is wrong.
    boolean bucketed = references.stream().allMatch(r -> r != null && ImageId.isValid(r.uuid));
    ReferenceBuckets cut =
        ReferenceBuckets.of(bucketed ? ReferenceBuckets.countFor(references.size()) : 1);
    ReferenceBuckets.Digests scanned =
        cut.digestsOfKeys(
            references.stream()
                .map(r -> ReferenceSetDigest.key(r.branch, r.path, r.uuid))
                .toList());
    ReferenceSetInfo stored =
        storedWhole != null && (cut.count() == 1 || scanned.digest().equals(storedWhole.digest))
            ? storedWhole
            : referenceSet(project, branch, cut.count() > 1 ? cut.count() : null);
    if (scanned.digest().equals(stored.digest)) {
      ReferencesResult unchanged = new ReferencesResult();
      unchanged.unchanged = true;
      return unchanged;
    }
    if (stored.buckets != null && stored.buckets == cut.count() && stored.bucketDigests != null) {
      List<Integer> differing = differingBuckets(scanned.buckets(), stored.bucketDigests);
      // None differing (the whole digests differ all the same) or all: the whole set.
      if (!differing.isEmpty() && differing.size() < cut.count()) {
        Optional<ReferencesResult> replaced =
            replaceBuckets(project, branch, cut, differing, references);
        if (replaced.isPresent()) {
          return replaced.get();
        }
      }
    }
    ReferencesInput in = new ReferencesInput();
    in.project = project;
    in.branch = branch;
    in.references = references;
    HttpPut put = new HttpPut(baseUrl.resolve("references"));
    put.setEntity(json(in));
    return execute(put, r -> readJson(r, ReferencesResult.class));
  }

  /** Hands references to {@code sink} as a scan finds them, in any order, from any thread. */
  @FunctionalInterface
  public interface ReferenceSource {
    void scan(Consumer<ReferenceInfo> sink) throws IOException;
  }

  /**
   * Like {@link #replaceReferences(String, String, List)} for the whole of {@code project}, from a
   * scan not run yet: when the service holds no reference of the project (its first import) and
   * offers {@code PUT /references/import}, the scan runs while its references stream to the
   * service, which inserts them as they arrive (one transaction, committed when all arrived), so
   * the import overlaps the scan. Otherwise (a stored set, or an older service, which refuses the
   * route before the body is sent) the scan runs first and the set is replaced as usual.
   */
  public ReferencesResult replaceReferences(String project, ReferenceSource source)
      throws IOException {
    List<ReferenceInfo> scanned = new ArrayList<>();
    StreamedReferences body = new StreamedReferences(source, scanned);
    ReferenceSetInfo stored = referenceSet(project, null);
    if (stored.count == 0) {
      HttpPut put = new HttpPut(referencesUri("references/import", project, null));
      put.setEntity(body);
      try {
        Optional<ReferencesResult> imported =
            execute(put, r -> readJson(r, ReferencesResult.class), 404);
        if (imported.isPresent()) {
          imported.get().imported = true;
          return imported.get();
        }
      } catch (ImagestoreException e) {
        // 405: an older service taking import for a path parameter; 409: references arrived
        // since the digest was read; 503: as many imports running as the service allows (or a
        // transient failure after the body): the replace below holds no connection while it scans.
        if (e.status() != 405 && e.status() != 409 && e.status() != 503) {
          throw e;
        }
      } catch (IOException e) {
        // The scan's own failure, not the wrapper the HTTP client puts around it.
        throw body.failure != null ? body.failure : e;
      }
    }
    if (!body.ran) {
      source.scan(scanned::add);
    }
    // A stored set read before the scan serves the comparison (a reconcile's usual outcome,
    // unchanged, then costs one pass over the stored rows, not two); after a refused import the
    // set may have changed since, so it is read again.
    return replaceReferences(project, null, scanned, stored.count == 0 ? null : stored);
  }

  /**
   * A JSON array of references written as {@link ReferenceSource#scan} finds them (chunked), each
   * kept in {@code scanned} too for a fallback to a replace.
   */
  private static final class StreamedReferences extends AbstractHttpEntity {
    private final ReferenceSource source;
    private final List<ReferenceInfo> scanned;
    private boolean ran;
    private IOException failure;

    StreamedReferences(ReferenceSource source, List<ReferenceInfo> scanned) {
      this.source = source;
      this.scanned = scanned;
      setChunked(true);
      setContentType(ContentType.APPLICATION_JSON.toString());
    }

    @Override
    public boolean isRepeatable() {
      return false;
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public InputStream getContent() {
      throw new UnsupportedOperationException("written by writeTo only");
    }

    @Override
    public boolean isStreaming() {
      return false;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      ran = true;
      BufferedWriter text =
          new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
      JsonWriter json = new JsonWriter(text);
      json.beginArray();
      boolean[] wrote = {false};
      // Once a second what was found goes out (the service inserts while the scan walks), and a
      // space when nothing was: a walk or a stretch of commits without links could otherwise
      // outlast the service's idle timeout.
      ScheduledExecutorService beat =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "imagestore-import-flush");
                t.setDaemon(true);
                return t;
              });
      beat.scheduleWithFixedDelay(
          () -> {
            synchronized (this) {
              try {
                if (!wrote[0]) {
                  text.write(' ');
                }
                json.flush();
                wrote[0] = false;
              } catch (IOException e) {
                // The writer sees it too, on its next reference.
              }
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
      try {
        source.scan(
            r -> {
              // The scanner's threads take turns on the one body.
              synchronized (this) {
                scanned.add(r);
                Json.gson().toJson(r, ReferenceInfo.class, json);
                wrote[0] = true;
              }
            });
      } catch (IOException e) {
        failure = e;
        throw e;
      } catch (JsonIOException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e);
      } finally {
        beat.shutdownNow();
        try {
          beat.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while sending the import", e);
        }
      }
      synchronized (this) {
        json.endArray();
        json.flush();
      }
    }
  }

  /** The buckets whose count or digest differ between the scanned set and the stored one. */
  private static List<Integer> differingBuckets(
      Map<Integer, ReferenceBuckets.Digest> scanned, List<ReferenceBucketInfo> stored) {
    Map<Integer, ReferenceBuckets.Digest> storedByBucket = new TreeMap<>();
    for (ReferenceBucketInfo b : stored) {
      storedByBucket.put(b.bucket, new ReferenceBuckets.Digest(b.count, b.digest));
    }
    Set<Integer> all = new TreeSet<>(scanned.keySet());
    all.addAll(storedByBucket.keySet());
    return all.stream()
        .filter(b -> !Objects.equals(scanned.get(b), storedByBucket.get(b)))
        .toList();
  }

  /**
   * Replaces the references in {@code buckets} by those of {@code references} that lie in them;
   * empty when the service has no bucket replace (404: an older service).
   */
  private Optional<ReferencesResult> replaceBuckets(
      String project,
      String branch,
      ReferenceBuckets cut,
      List<Integer> buckets,
      List<ReferenceInfo> references)
      throws IOException {
    Set<Integer> chosen = new HashSet<>(buckets);
    ReferencesInput in = new ReferencesInput();
    in.project = project;
    in.branch = branch;
    in.references = references.stream().filter(r -> chosen.contains(cut.of(r.uuid))).toList();
    URI uri;
    try {
      uri =
          new URIBuilder(baseUrl.resolve("references/buckets"))
              .addParameter("buckets", Integer.toString(cut.count()))
              .addParameter(
                  "bucket", String.join(",", buckets.stream().map(String::valueOf).toList()))
              .build();
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    HttpPut put = new HttpPut(uri);
    put.setEntity(json(in));
    Optional<ReferencesResult> result = execute(put, r -> readJson(r, ReferencesResult.class), 404);
    result.ifPresent(r -> r.replacedBuckets = buckets);
    return result;
  }

  /** The digest and size of the stored references of a project, or of one branch of it. */
  public ReferenceSetInfo referenceSet(String project, String branch) throws IOException {
    return referenceSet(project, branch, null);
  }

  /**
   * Like {@link #referenceSet(String, String)}, with the digests of {@code buckets} {@link
   * ReferenceBuckets} when not null (a service without buckets answers without them).
   */
  public ReferenceSetInfo referenceSet(String project, String branch, Integer buckets)
      throws IOException {
    URI uri = referencesUri("references/digest", project, branch);
    if (buckets != null) {
      try {
        uri = new URIBuilder(uri).addParameter("buckets", buckets.toString()).build();
      } catch (URISyntaxException e) {
        throw new IOException(e);
      }
    }
    return execute(new HttpGet(uri), r -> readJson(r, ReferenceSetInfo.class));
  }

  /** The stored references of a project, or of one branch of it when not null. */
  public List<ReferenceInfo> listReferences(String project, String branch) throws IOException {
    return execute(
        new HttpGet(referencesUri("references", project, branch)),
        r -> readJson(r, new TypeToken<List<ReferenceInfo>>() {}.getType()));
  }

  private URI referencesUri(String path, String project, String branch) throws IOException {
    try {
      URIBuilder uri = new URIBuilder(baseUrl.resolve(path)).addParameter("project", project);
      if (branch != null) {
        uri.addParameter("branch", branch);
      }
      return uri.build();
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  private static StringEntity json(Object body) {
    return new StringEntity(Json.gson().toJson(body), ContentType.APPLICATION_JSON);
  }

  private static <T> T readJson(HttpResponse r, java.lang.reflect.Type type) throws IOException {
    HttpEntity entity = r.getEntity();
    String body = entity == null ? "" : EntityUtils.toString(entity, StandardCharsets.UTF_8);
    try {
      return Json.gson().fromJson(body, type);
    } catch (JsonParseException e) {
      throw new IOException("the service answered with malformed JSON: " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface ResponseReader<T> {
    T read(HttpResponse response) throws IOException;
  }

  private <T> T execute(HttpRequestBase request, ResponseReader<T> reader) throws IOException {
    return execute(request, reader, -1).orElseThrow();
  }

  /** Runs a request; a status of {@code absentStatus} gives empty, other errors throw. */
  private <T> Optional<T> execute(
      HttpRequestBase request, ResponseReader<T> reader, int absentStatus) throws IOException {
    if (authorization != null) {
      request.setHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    request.setConfig(requestConfig(requestConfig, request instanceof HttpEntityEnclosingRequest));
    try (CloseableHttpResponse response = http.execute(request)) {
      int status = response.getStatusLine().getStatusCode();
      if (status == absentStatus) {
        EntityUtils.consumeQuietly(response.getEntity());
        return Optional.empty();
      }
      if (status >= 300) {
        throw toException(request, response, status);
      }
      T result = reader.read(response);
      EntityUtils.consumeQuietly(response.getEntity());
      return Optional.of(result);
    }
  }

  static ImagestoreException toException(
      HttpRequestBase request, HttpResponse response, int status) {
    String message = request.getMethod() + " " + request.getURI().getPath() + " failed";
    if (status < 400) {
      EntityUtils.consumeQuietly(response.getEntity());
      Header location = response.getFirstHeader(HttpHeaders.LOCATION);
      return new ImagestoreException(
          status,
          "redirect",
          message
              + ": the server answered "
              + status
              + (location == null ? "" : " (to " + Abbreviate.forMessage(location.getValue()) + ")")
              + "; redirects are not followed: configure the final address");
    }
    String error = null;
    try {
      ErrorInfo info = readJson(response, ErrorInfo.class);
      if (info != null && info.message != null) {
        message = message + ": " + info.message;
        error = info.error;
      }
    } catch (IOException | RuntimeException e) {
      // The body was not our JSON (a proxy's page, say): the status alone must do.
    }
    return new ImagestoreException(status, error, message);
  }

  private static String sha256Of(Path file) throws IOException {
    MessageDigest digest = ImageId.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public void close() throws IOException {
    if (ownsHttp) {
      http.close();
    }
  }
}
