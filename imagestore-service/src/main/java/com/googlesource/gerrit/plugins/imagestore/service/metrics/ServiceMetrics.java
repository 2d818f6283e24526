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

package com.googlesource.gerrit.plugins.imagestore.service.metrics;

import com.google.common.base.Suppliers;
import com.google.common.flogger.FluentLogger;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The service's Prometheus metrics, in a registry of its own (so tests and several services in one
 * JVM do not share counters), served at {@code /metrics}.
 */
public final class ServiceMetrics {
  private static final FluentLogger logger = FluentLogger.forEnclosingClass();

  /** Counts of images by state, computed when Prometheus scrapes. */
  public record ImageCounts(long referenced, long orphaned) {}

  /** How far a bulk operation is (the last run's figures when none runs). */
  public record BulkSnapshot(boolean running, long done, long total) {}

  /**
   * How long a computed {@link ImageCounts} answers scrapes: counting reads the whole images table
   * (0.2-0.3 s at a million images on PostgreSQL), and every replica is scraped every few seconds.
   */
  public static final Duration IMAGE_COUNTS_MAX_AGE = Duration.ofMinutes(1);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final Counter responseBytes;
  private final Counter requestBytes;
  private final Counter storeErrors;
  private final Counter storedBytes;

  public ServiceMetrics() {
    requests =
        Counter.builder()
            .name("imagestore_http_requests_total")
            .help("HTTP requests by method, resource and status code")
            .labelNames("method", "resource", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("imagestore_http_request_duration_seconds")
            .help("Time to answer an HTTP request, by method and resource")
            .unit(Unit.SECONDS)
            .labelNames("method", "resource")
            .register(registry);
    responseBytes =
        Counter.builder()
            .name("imagestore_http_response_bytes_total")
            .help("Bytes of response bodies, by resource")
            .unit(Unit.BYTES)
            .labelNames("resource")
            .register(registry);
    requestBytes =
        Counter.builder()
            .name("imagestore_http_request_bytes_total")
            .help("Declared bytes of request bodies (Content-Length), by resource")
            .unit(Unit.BYTES)
            .labelNames("resource")
            .register(registry);
    storeErrors =
        Counter.builder()
            .name("imagestore_blob_store_errors_total")
            .help("Failed blob store operations, by operation")
            .labelNames("operation")
            .register(registry);
    storedBytes =
        Counter.builder()
            .name("imagestore_blob_store_written_bytes_total")
            .help("Bytes written to the blob store")
            .unit(Unit.BYTES)
            .register(registry);
    JvmMetrics.builder().register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Registers the image counts; {@code counts} runs on a scrape when the last figures it gave are
   * older than {@link #IMAGE_COUNTS_MAX_AGE} (a failure is not kept: the next scrape tries again).
   */
  public void imageCounts(Supplier<ImageCounts> uncached) {
    Supplier<ImageCounts> counts =
        Suppliers.memoizeWithExpiration(uncached::get, IMAGE_COUNTS_MAX_AGE);
    GaugeWithCallback.builder()
        .name("imagestore_images")
        .help("Stored images by state: referenced, orphaned, orphaned past the grace period")
        .labelNames("state")
        .callback(
            cb -> {
              ImageCounts c;
              try {
                c = counts.get();
              } catch (RuntimeException e) {
                // The database is away: the scrape goes on without these figures (an exception
                // would fail all of it, when the others matter most).
                logger.atWarning().atMostEvery(1, TimeUnit.MINUTES).log(
                    "metrics: no image counts: %s", e.getMessage());
                return;
              }
              cb.call(c.referenced(), "referenced");
              cb.call(c.orphaned(), "orphaned");
            })
        .register(registry);
  }

  /**
   * Registers the progress of a bulk operation: {@code <prefix>_running} (1 while it runs) and
   * {@code <prefix>_<unit>{state="done|total"}}, e.g. {@code imagestore_orphan_recompute_images}.
   */
  public void bulkProgress(
      String prefix, String unit, String operation, Supplier<BulkSnapshot> progress) {
    GaugeWithCallback.builder()
        .name(prefix + "_running")
        .help("1 while " + operation + " runs, else 0")
        .callback(cb -> cb.call(progress.get().running() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name(prefix + "_" + unit)
        .help("What the running (or last) " + operation + " has done, and its total")
        .labelNames("state")
        .callback(
            cb -> {
              BulkSnapshot p = progress.get();
              cb.call(p.done(), "done");
              cb.call(p.total(), "total");
            })
        .register(registry);
  }

  /**
   * Registers the streamed reference imports' figures: {@code imagestore_reference_imports_running}
   * and {@code imagestore_reference_imports_references} (inserted by those imports, not committed
   * yet: a long import shows that it moves).
   */
  public void referenceImports(IntSupplier running, LongSupplier inserted) {
    GaugeWithCallback.builder()
        .name("imagestore_reference_imports_running")
        .help("Streamed reference imports (PUT /references/import) running")
        .callback(cb -> cb.call(running.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("imagestore_reference_imports_references")
        .help("References the running imports have inserted, not committed yet")
        .callback(cb -> cb.call(inserted.getAsLong()))
        .register(registry);
  }

  /** Registers the blob cache's figures; the suppliers run on every scrape. */
  public void blobCache(LongSupplier hits, LongSupplier misses, LongSupplier heldBytes) {
    CounterWithCallback.builder()
        .name("imagestore_blob_cache_reads_total")
        .help("Whole-image reads by whether the blob cache answered them: hit or miss")
        .labelNames("result")
        .callback(
            cb -> {
              cb.call(hits.getAsLong(), "hit");
              cb.call(misses.getAsLong(), "miss");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("imagestore_blob_cache_bytes")
        .help("Bytes of images the blob cache holds")
        .unit(Unit.BYTES)
        .callback(cb -> cb.call(heldBytes.getAsLong()))
        .register(registry);
  }

  public void request(String method, String resource, int status, double seconds) {
    requests.labelValues(method, resource, Integer.toString(status)).inc();
    latency.labelValues(method, resource).observe(seconds);
  }

  public void bytes(String resource, long in, long out) {
    if (in > 0) {
      requestBytes.labelValues(resource).inc(in);
    }
    if (out > 0) {
      responseBytes.labelValues(resource).inc(out);
    }
  }

  public void storeError(String operation) {
    storeErrors.labelValues(operation).inc();
  }

  public void stored(long bytes) {
    storedBytes.inc(bytes);
  }
}
