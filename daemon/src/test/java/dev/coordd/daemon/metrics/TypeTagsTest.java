package dev.coordd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TypeTagsTest {
  @Test
  void the_first_types_keep_their_tags_and_later_ones_share_other() {
    AtomicInteger made = new AtomicInteger();
    TypeTags<String> tags = new TypeTags<>(3, t -> t + "#" + made.incrementAndGet());

    assertThat(tags.of("a")).isEqualTo("a#1");
    assertThat(tags.tag("b")).isEqualTo("b");
    assertThat(tags.of("c")).isEqualTo("c#3");
    assertThat(tags.of("d")).isEqualTo("_other#4");
    assertThat(tags.of("e")).isSameAs(tags.of("d"));
    assertThat(tags.tag("e")).isEqualTo(TypeTags.OTHER);
    // a type admitted before the cap filled keeps its own meters
    assertThat(tags.of("a")).isEqualTo("a#1");
    assertThat(tags.size()).isEqualTo(3);
    assertThat(made).hasValue(4);
  }

  @Test
  void metrics_past_the_type_cap_add_up_under_other_so_series_stay_bounded() {
    try (Metrics metrics = new Metrics(2)) {
      for (String type : new String[] {"t1", "t2", "t3", "t4", "t5", "t1"}) {
        metrics.tasks().handlerTime(type, true, 1_000_000);
      }
      PrometheusText scrape = PrometheusText.parse(metrics.scrape());
      String count = "coordd_handler_duration_seconds_count";
      assertThat(scrape.value(count, "type", "t1", "outcome", "success")).isEqualTo(2);
      assertThat(scrape.value(count, "type", "t2", "outcome", "success")).isEqualTo(1);
      assertThat(scrape.value(count, "type", "_other", "outcome", "success")).isEqualTo(3);
      assertThat(scrape.get(count, "type", "t3", "outcome", "success")).isEmpty();
      assertThat(scrape.series("coordd_tasks_submitted_total"))
          .containsExactlyInAnyOrder(
              "coordd_tasks_submitted_total{type=\"t1\"}",
              "coordd_tasks_submitted_total{type=\"t2\"}",
              "coordd_tasks_submitted_total{type=\"_other\"}");
    }
  }
}
