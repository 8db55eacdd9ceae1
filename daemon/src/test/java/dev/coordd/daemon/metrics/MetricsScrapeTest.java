package dev.coordd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {
  /**
   * Regression: the Prometheus client silently drops a meter whose name clashes with another after
   * its suffixes are stripped ({@code coordd.tasks.created} lost its {@code _created}, a reserved
   * OpenMetrics suffix, and collided with the {@code coordd_tasks} gauge).
   */
  @Test
  void every_coordd_meter_shows_up_in_the_scrape() {
    try (Metrics metrics = new Metrics().bindJvm()) {
      metrics.tasks().handlerTime("t1", true, 1);
      metrics.committed(3, 1_000);
      metrics.connections("socket", () -> 0);
      String scrape = metrics.scrape();
      PrometheusText.parse(scrape); // every line well formed
      for (Meter m : metrics.registry().getMeters()) {
        Meter.Id id = m.getId();
        String name =
            metrics
                .registry()
                .config()
                .namingConvention()
                .name(id.getName(), id.getType(), id.getBaseUnit());
        assertThat(scrape).as(id.getName()).contains("\n" + name);
      }
    }
  }
}
