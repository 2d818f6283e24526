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

import static com.google.common.truth.Truth.assertThat;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  @Test
  void aScrapeWhileTheDatabaseIsAwayLeavesOutOnlyTheImageCounts() {
    ServiceMetrics metrics = new ServiceMetrics();
    metrics.imageCounts(
        () -> {
          throw new IllegalStateException("the database is away");
        });
    List<String> names = new ArrayList<>();
    for (MetricSnapshot m : metrics.registry().scrape()) {
      names.add(m.getMetadata().getPrometheusName());
      if (m.getMetadata().getPrometheusName().equals("imagestore_images")) {
        assertThat(m.getDataPoints()).isEmpty();
      }
    }
    assertThat(names).contains("imagestore_http_requests");
  }
}
