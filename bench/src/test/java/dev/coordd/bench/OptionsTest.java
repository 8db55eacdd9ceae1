package dev.coordd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void throughputLoadOptionsAreRead() {
    Options o =
        Options.parse(
            "throughput",
            "--in-flight",
            "64",
            "--batch=500",
            "--claim-batch",
            "100",
            "--settle-ms",
            "0");
    assertThat(o.inFlight).isEqualTo(64);
    assertThat(o.batch).isEqualTo(500);
    assertThat(o.claimBatch).isEqualTo(100);
    assertThat(o.settleMs).isZero();
  }

  @Test
  void aBatchLargerThanTheDaemonTakesIsRefusedWithItsLimit() {
    assertThatThrownBy(() -> Options.parse("throughput", "--batch", "1001"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--batch")
        .hasMessageContaining("at most 1000");
    assertThatThrownBy(() -> Options.parse("throughput", "--claim-batch", "5000"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--claim-batch");
  }

  @Test
  void theRemovedThreadsOptionIsAnUnknownOption() {
    assertThatThrownBy(() -> Options.parse("throughput", "--threads", "16"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option '--threads'");
  }
}
