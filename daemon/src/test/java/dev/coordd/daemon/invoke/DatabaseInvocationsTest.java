package dev.coordd.daemon.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.SettableClock;
import dev.coordd.daemon.store.PostgresTestDatabase;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.StoreFactory;
import dev.coordd.daemon.store.StoreSettings;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The invocations table's states and compare-and-sets, on a real PostgreSQL schema (where a cluster
 * uses it) and on SQLite (the same standard SQL and the V10 twin, which a single home keeps empty).
 */
class DatabaseInvocationsTest {
  static PostgresTestDatabase pg;
  @TempDir static Path dir;

  static Stream<String> databases() {
    return Stream.of("sqlite", "postgres");
  }

  @AfterAll
  static void drop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  static Store open(String kind) throws Exception {
    if (kind.equals("sqlite")) {
      return StoreFactory.open(
          StoreSettings.sqlite(
              dir.resolve("inv-" + System.nanoTime() + ".db"), "NORMAL", Duration.ofSeconds(5)));
    }
    if (pg == null) {
      pg = PostgresTestDatabase.create(DatabaseInvocationsTest.class);
    }
    pg.open(1).close(); // migrated
    pg.truncateAll();
    return pg.open(2);
  }

  final SettableClock clock = new SettableClock(1_000_000);

  @ParameterizedTest
  @MethodSource("databases")
  void an_invocation_goes_pending_processing_archived_and_each_step_has_one_winner(String kind)
      throws Exception {
    try (Store store = open(kind)) {
      DatabaseInvocations inv = new DatabaseInvocations(store, clock);
      Invocation a =
          inv.create("task-1", "claude", "do it", Json.read("{\"repo\":\"/x\"}"), 2_000_000L);
      clock.step(Duration.ofMillis(1));
      Invocation b = inv.create("task-2", "codex", "then this", null, null);
      assertThat(inv.pendingInvocations())
          .extracting(Invocation::id)
          .containsExactly(a.id(), b.id());
      assertThat(inv.openFor("task-1")).map(Invocation::id).contains(a.id());
      assertThat(inv.where(a.id())).isEqualTo(Invocation.PENDING);
      assertThat(inv.get(a.id()).context().get("repo").asText()).isEqualTo("/x");

      Invocation taken = inv.process(a.id(), "s1");
      assertThat(taken.status()).isEqualTo(Invocation.PROCESSING);
      assertThat(taken.takenBy()).isEqualTo("s1");
      assertThatThrownBy(() -> inv.process(a.id(), "s2"))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("already being processed by s1");
      // expiry leaves one an agent took alone
      assertThatThrownBy(() -> inv.closePending(a.id(), Invocation.EXPIRED, "late"))
          .isInstanceOf(ConflictException.class);
      assertThat(inv.archived(a.id())).isEmpty();

      Invocation done = inv.complete(a.id(), Json.read("{\"ok\":1}"));
      assertThat(done.status()).isEqualTo(Invocation.COMPLETED);
      assertThat(done.takenBy()).isEqualTo("s1");
      assertThat(inv.archived(a.id()).orElseThrow().result().get("ok").asInt()).isEqualTo(1);
      assertThat(inv.where(a.id())).isEqualTo(InvocationStore.ARCHIVED);
      assertThatThrownBy(() -> inv.fail(a.id(), "too late"))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("already completed (taken by s1)");

      Invocation expired = inv.closePending(b.id(), Invocation.EXPIRED, "nobody took it");
      assertThat(expired.error()).isEqualTo("nobody took it");
      assertThat(inv.pendingInvocations()).isEmpty();
      assertThat(inv.openFor("task-2")).isEmpty();

      assertThatThrownBy(() -> inv.process("no-such", "s1")).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> inv.get("../etc")).isInstanceOf(InvalidRequestException.class);
      assertThat(inv.where("no-such")).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void cleanup_deletes_only_old_archived_invocations_in_bounded_steps(String kind)
      throws Exception {
    try (Store store = open(kind)) {
      DatabaseInvocations inv = new DatabaseInvocations(store, clock);
      for (int i = 0; i < 3; i++) {
        inv.fail(inv.create("t" + i, "claude", "c", null, null).id(), "no");
      }
      Invocation open = inv.create("t-open", "claude", "c", null, null);
      clock.step(Duration.ofDays(2));
      Invocation recent = inv.create("t-recent", "claude", "c", null, null);
      inv.fail(recent.id(), "no");

      assertThat(inv.cleanup(Duration.ofDays(1), 2)).isEqualTo(2);
      assertThat(inv.cleanup(Duration.ofDays(1), 10)).isEqualTo(1);
      assertThat(inv.cleanup(Duration.ofDays(1), 10)).isZero();
      assertThat(inv.where(recent.id())).isEqualTo(InvocationStore.ARCHIVED);
      assertThat(inv.cleanup(Duration.ZERO, 10)).isEqualTo(1);
      assertThat(inv.where(open.id())).isEqualTo(Invocation.PENDING);
    }
  }
}
