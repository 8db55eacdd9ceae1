package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.daemon.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ids stay unique, strictly increasing and well-formed UUIDv7 across random blocks. */
class IdsTest {
  // Each id takes 8 or 16 random bytes, so this many ids cross several blocks.
  private static final int MANY = 4 * Ids.BLOCK / Long.BYTES + 3;

  @Test
  void ids_within_one_millisecond_increase_across_block_boundaries() {
    SettableClock clock = SettableClock.atSomeMoment();
    Ids ids = new Ids(clock);
    // The clock stands still: the counter runs out and borrows the next milliseconds.
    assertIncreasingUniqueV7(draw(ids, clock, MANY, Duration.ZERO));
  }

  @Test
  void ids_on_new_milliseconds_increase_across_block_boundaries() {
    SettableClock clock = SettableClock.atSomeMoment();
    Ids ids = new Ids(clock);
    // A new millisecond per id: each draws a fresh counter start as well as its random tail.
    assertIncreasingUniqueV7(draw(ids, clock, MANY, Duration.ofMillis(1)));
  }

  @Test
  void a_clock_going_back_never_makes_a_smaller_id() {
    SettableClock clock = SettableClock.atSomeMoment();
    Ids ids = new Ids(clock);
    List<String> drawn = new ArrayList<>(draw(ids, clock, 10, Duration.ofMillis(1)));
    clock.step(Duration.ofSeconds(-5));
    drawn.addAll(draw(ids, clock, 10, Duration.ZERO));
    assertIncreasingUniqueV7(drawn);
  }

  private static List<String> draw(Ids ids, SettableClock clock, int n, Duration step) {
    List<String> drawn = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      drawn.add(ids.next());
      clock.step(step);
    }
    return drawn;
  }

  private static void assertIncreasingUniqueV7(List<String> drawn) {
    assertThat(new HashSet<>(drawn)).hasSameSizeAs(drawn);
    for (int i = 1; i < drawn.size(); i++) {
      // Lower-case hex of one length: string order is numeric order.
      assertThat(drawn.get(i)).as("id %d", i).isGreaterThan(drawn.get(i - 1));
    }
    for (String id : drawn) {
      UUID u = UUID.fromString(id);
      assertThat(u.version()).isEqualTo(7);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(u.toString()).isEqualTo(id);
    }
  }
}
