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

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.exporter.servlet.jakarta.HttpExchangeAdapter;
import java.io.IOException;
import java.util.Map;

/**
 * The endpoints of the {@link Routes} table, each built with only the services it uses. {@link #of}
 * is the one place that takes them from the whole service.
 */
record Endpoints(
    ImageEndpoints images,
    ImageDownload download,
    DiffEndpoints diffs,
    ReferenceEndpoints references,
    RuntimeEndpoints runtimes,
    OrphanEndpoints orphans,
    TrashEndpoints trash,
    AuditEndpoint audit,
    SettingsEndpoint settings,
    AdminPage adminPage,
    HealthChecks health,
    Route.Endpoint metrics) {

  static Endpoints of(Imagestore store) {
    PrometheusScrapeHandler scrape = new PrometheusScrapeHandler(store.metrics().registry());
    return new Endpoints(
        new ImageEndpoints(
            store.images(),
            store.trash(),
            new ImageEndpoints.UploadLimits(
                store.tmpDir(), store.config().maxImageBytes(), store.config().maxPixels())),
        new ImageDownload(store.images()),
        new DiffEndpoints(store.diffs()),
        new ReferenceEndpoints(store.references()),
        new RuntimeEndpoints(store.runtimes()),
        new OrphanEndpoints(store.orphans(), store.runtimes()),
        new TrashEndpoints(store.trash(), store.images()),
        new AuditEndpoint(store.audit()),
        new SettingsEndpoint(store.config()),
        new AdminPage(),
        new HealthChecks(
            store.database()::isHealthy,
            () -> {
              try {
                store.blobs().exists("0".repeat(64));
                return true;
              } catch (IOException | RuntimeException e) {
                return false;
              }
            }),
        call -> scrape.handleRequest(new HttpExchangeAdapter(call.req(), call.resp())));
  }

  /** {@code GET /}: a short index of the API. */
  static void index(Call call) throws IOException {
    call.sendJson(
        200,
        Map.of(
            "service",
            "imagestore",
            "endpoints",
            new String[] {
              "/images",
              "/runtimes",
              "/orphans",
              "/references",
              "/trash",
              "/audit",
              "/settings",
              "/admin/",
              "/health"
            }));
  }
}
