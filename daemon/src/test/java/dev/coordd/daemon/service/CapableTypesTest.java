package dev.coordd.daemon.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.daemon.SettableClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one-second memory of "some agent runs this type" in front of the agents table. */
class CapableTypesTest {
  final SettableClock clock = SettableClock.atSomeMoment();
  final Set<String> registered = new HashSet<>();
  final AtomicInteger asked = new AtomicInteger();
  final CapableTypes types =
      new CapableTypes(
          clock,
          type -> {
            asked.incrementAndGet();
            return registered.contains(type);
          });

  @Test
  void a_yes_is_remembered_for_a_second_then_asked_again() {
    registered.add("build");
    for (int i = 0; i < 100; i++) {
      assertThat(types.capable("build")).isTrue();
    }
    assertThat(asked).hasValue(1);

    registered.remove("build"); // the agent dropped it: seen once the second is over
    clock.step(Duration.ofMillis(CapableTypes.TTL_MS - 1));
    assertThat(types.capable("build")).isTrue();
    clock.step(Duration.ofMillis(1));
    assertThat(types.capable("build")).isFalse();
    assertThat(asked).hasValue(2);
  }

  @Test
  void a_no_is_never_remembered_so_a_new_capability_counts_at_once() {
    assertThat(types.capable("deploy")).isFalse();
    assertThat(types.capable("deploy")).isFalse();
    registered.add("deploy");
    assertThat(types.capable("deploy")).isTrue();
    assertThat(asked).hasValue(3);
  }

  @Test
  void invented_types_are_not_kept() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(types.capable("made-up-" + i)).isFalse();
    }
    registered.add("build");
    assertThat(types.capable("build")).isTrue();
    assertThat(types.capable("build")).isTrue();
    assertThat(asked).hasValue(10_001);
  }
}
