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

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void imageCountsAreComputedOncePerMaxAgeAndAFailureIsNotKept() {
    ServiceMetrics metrics = new ServiceMetrics();
    AtomicInteger calls = new AtomicInteger();
    metrics.imageCounts(
        () -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("the database is away");
          }
          return new ServiceMetrics.ImageCounts(7, calls.get());
        });

    assertThat(orphaned(metrics)).isNull();
    // The failure was not kept: this scrape counts again, and the next ones reuse its figures
    // (the whole table is read once per IMAGE_COUNTS_MAX_AGE, not on every scrape).
    assertThat(orphaned(metrics)).isEqualTo(2.0);
    assertThat(orphaned(metrics)).isEqualTo(2.0);
    assertThat(calls.get()).isEqualTo(2);
  }

  private static Double orphaned(ServiceMetrics metrics) {
    for (MetricSnapshot m : metrics.registry().scrape()) {
      if (m.getMetadata().getPrometheusName().equals("imagestore_images")) {
        for (var point : ((GaugeSnapshot) m).getDataPoints()) {
          if (point.getLabels().get("state").equals("orphaned")) {
            return point.getValue();
          }
        }
      }
    }
    return null;
  }
}
