package dev.coordd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresTest {
  @Test
  void nearestRankPercentilesAreMeasuredValues() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i; // unsorted on purpose: 100 .. 1
    }
    assertThat(Figures.percentile(hundred, 50)).isEqualTo(50);
    assertThat(Figures.percentile(hundred, 99)).isEqualTo(99);
    assertThat(Figures.percentile(hundred, 100)).isEqualTo(100);
    assertThat(Figures.percentile(new double[] {7, 3, 5}, 50)).isEqualTo(5);
    assertThat(Figures.percentile(new double[] {7, 3, 5}, 99)).isEqualTo(7);
    assertThat(Figures.percentile(new double[] {4}, 1)).isEqualTo(4);
    assertThat(Figures.max(new double[] {2, 9, 4})).isEqualTo(9);
  }

  @Test
  void percentileRefusesNoSamplesAndBadRanks() {
    assertThatThrownBy(() -> Figures.percentile(new double[0], 50))
        .hasMessageContaining("no samples");
    assertThatThrownBy(() -> Figures.percentile(new double[] {1}, 0))
        .hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> Figures.percentile(new double[] {1}, 101))
        .hasMessageContaining("(0, 100]");
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Figures.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Figures.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Figures.median(List.of(5.0))).isEqualTo(5.0);
    assertThatThrownBy(() -> Figures.median(List.of())).hasMessageContaining("no values");
  }

  @Test
  void ratiosAndRates() {
    assertThat(Figures.ratio(10, 4)).isEqualTo(2.5);
    assertThat(Figures.ratio(1, 0)).isNaN();
    assertThat(Figures.perSecond(500, 250_000_000L)).isEqualTo(2000.0);
    assertThat(Figures.millis(1_500_000)).isEqualTo(1.5);
    assertThatThrownBy(() -> Figures.perSecond(1, 0)).hasMessageContaining("positive");
  }

  @Test
  void resultsTakeMediansAndRatiosPerMetric() {
    Results r = new Results();
    for (double v : new double[] {30, 10, 20}) {
      r.add("throughput", StoreKind.SQLITE, "coordd", "end_to_end_per_s", true, v);
    }
    for (double v : new double[] {5, 4, 6}) {
      r.add("throughput", StoreKind.SQLITE, "jobrunr", "end_to_end_per_s", true, v);
    }
    r.add("throughput", StoreKind.SQLITE, "jobrunr", "only_theirs", true, 1);
    List<Results.Ratio> ratios = r.ratios();
    assertThat(ratios).hasSize(1);
    assertThat(ratios.get(0).coorddOverPeer()).isEqualTo(4.0); // 20 / 5
    assertThat(ratios.get(0).peer()).isEqualTo("jobrunr");
    assertThat(r.toJson().at("/throughput/sqlite/coordd/end_to_end_per_s/median").asDouble())
        .isEqualTo(20.0);
    assertThat(r.table(List.of("jobrunr")))
        .contains("| throughput | sqlite | end_to_end_per_s | 20.00 | 5.00 | 4.00 |");
  }

  @Test
  void optionsNameWhatIsWrong() {
    assertThatThrownBy(() -> Options.parse()).hasMessageContaining("name a scenario");
    assertThatThrownBy(() -> Options.parse("latency", "--runs", "0"))
        .hasMessageContaining("--runs: expected a whole number >= 1");
    assertThatThrownBy(() -> Options.parse("latency", "--store", "mysql"))
        .hasMessageContaining("unknown store 'mysql'");
    assertThatThrownBy(() -> Options.parse("latency", "--peers", "quartz"))
        .hasMessageContaining("unknown peer 'quartz'");
    Options o = Options.parse("all", "--sizes=1_000,2000", "--peers", "none", "--store", "sqlite");
    assertThat(o.scenarios).containsExactlyElementsOf(Options.SCENARIOS);
    assertThat(o.sizes).containsExactly(1000, 2000);
    assertThat(o.peers).isEmpty();
    assertThat(o.stores).containsExactly(StoreKind.SQLITE);
  }
}
