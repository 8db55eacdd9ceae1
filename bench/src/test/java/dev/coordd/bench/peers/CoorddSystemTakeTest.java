package dev.coordd.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoorddSystemTakeTest {
  @Test
  void takesWholeBatchesThenTheRestThenNothing() {
    AtomicInteger left = new AtomicInteger(2_500);
    assertThat(CoorddSystem.take(left, 1_000)).isEqualTo(1_000);
    assertThat(CoorddSystem.take(left, 1_000)).isEqualTo(1_000);
    assertThat(CoorddSystem.take(left, 1_000)).isEqualTo(500);
    assertThat(CoorddSystem.take(left, 1_000)).isZero();
    assertThat(left.get()).isZero();
  }
}
