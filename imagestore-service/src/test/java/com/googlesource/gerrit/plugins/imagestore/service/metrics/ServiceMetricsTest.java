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
