package dev.coordd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.cluster.PgTestSchema;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two notifiers on one schema of a real PostgreSQL, as two daemons sharing a store: what one
 * publishes wakes waiters on the other, and a listener whose connection is killed comes back.
 */
@Tag("cluster")
class PgNotifierTest {
  /** A bound for a wake-up that must happen; failing it means the wake-up was lost. */
  static final long SOON = Duration.ofSeconds(10).toMillis();

  /** Long enough that no look-again round helps a test that checks notifications. */
  static final Duration NO_POLL = Duration.ofHours(1);

  static PgTestSchema db;

  final List<PgNotifier> opened = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void schema() {
    db = PgTestSchema.create(PgNotifierTest.class);
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void closeAll() {
    opened.forEach(PgNotifier::close);
  }

  PgNotifier start(Duration poll, List<Change.TaskAvailable> claimable) {
    PgNotifier n = PgNotifier.start(db.connector(), poll, () -> claimable);
    opened.add(n);
    return n;
  }

  static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + SOON * 1_000_000;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  @Test
  void a_task_published_on_one_daemon_wakes_a_claim_waiter_on_the_other() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    try (ClaimWait waiter = b.awaitClaimable("worker", List.of("build"), 1)) {
      a.publish(new Change.TaskAvailable("t1", "build", null));
      assertThat(waiter.await(SOON)).isTrue();
    }
  }

  @Test
  void a_change_published_on_one_daemon_moves_the_generation_waiters_of_the_other()
      throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    long seen = b.generation(Channel.EVENTS);
    a.publish(new Change.EventPublished(7, "build.done"));
    b.await(Channel.EVENTS, seen, SOON);
    assertThat(b.generation(Channel.EVENTS)).isGreaterThan(seen);
  }

  @Test
  void a_caller_waiting_for_a_result_on_one_daemon_is_released_by_a_finish_on_the_other()
      throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    try (TaskWait w = b.awaitTask("t9")) {
      a.publish(new Change.TaskFinished("t9", TaskStatus.SUCCEEDED));
      assertThat(w.await(SOON * 1_000_000)).isTrue();
    }
  }

  @Test
  void a_daemon_does_not_hear_its_own_changes_twice() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    a.publish(new Change.AgentChanged("x"));
    assertThat(eventually(() -> b.received() == 1)).isTrue();
    b.publish(new Change.AgentChanged("y")); // sent after a's: once b hears... a hears b's
    assertThat(eventually(() -> a.received() == 1)).isTrue();
    assertThat(b.received()).isEqualTo(1); // not its own
  }

  @Test
  void one_daemon_stopping_does_not_stop_the_waits_of_the_others() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    a.publish(new Change.Stopping());
    a.publish(new Change.TimePassed(42));
    a.publish(new Change.AgentChanged("marker")); // after them, in order
    assertThat(eventually(() -> b.received() == 1)).isTrue();
    assertThat(b.stopping()).isFalse();
  }

  @Test
  void a_listener_whose_connection_is_killed_reconnects_and_wakes_again() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    int before = b.listenerBackendPid();
    db.terminate(before);
    assertThat(eventually(() -> b.listenerBackendPid() != before))
        .as("the listener connects again")
        .isTrue();
    try (ClaimWait waiter = b.awaitClaimable("worker", List.of("build"), 1)) {
      a.publish(new Change.TaskAvailable("t2", "build", null));
      assertThat(waiter.await(SOON)).isTrue();
    }
  }

  @Test
  void a_sender_whose_connection_is_killed_sends_again() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    a.publish(new Change.AgentChanged("first"));
    assertThat(eventually(() -> b.received() == 1)).isTrue();
    try (Connection c = db.admin();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
              + " AND application_name = '"
              + db.schema()
              + "' AND query LIKE '%pg_notify%unnest%'");
    }
    // what is published while the link is down may be lost, but publishing goes on and later
    // changes cross once the sender is back
    long end = System.nanoTime() + SOON * 1_000_000;
    while (b.received() < 2 && System.nanoTime() < end) {
      a.publish(new Change.AgentChanged("again"));
      Thread.sleep(50);
    }
    assertThat(b.received()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void each_poll_interval_a_daemon_re_offers_due_work_to_its_claim_waiters() throws Exception {
    // nobody publishes: the work was queued by a daemon whose notification was lost
    PgNotifier b =
        start(Duration.ofMillis(200), List.of(new Change.TaskAvailable("t3", "build", null)));
    long seen = b.generation(Channel.LOCKS);
    try (ClaimWait waiter = b.awaitClaimable("worker", List.of("build"), 1)) {
      assertThat(waiter.await(SOON)).isTrue();
    }
    b.await(Channel.LOCKS, seen, SOON);
    assertThat(b.generation(Channel.LOCKS)).as("every channel moves").isGreaterThan(seen);
  }

  @Test
  void a_payload_from_something_else_on_the_channel_is_ignored() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    try (Connection c = db.admin();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_notify('" + b.channel() + "', 'not json at all')");
      s.execute(
          "SELECT pg_notify('"
              + b.channel()
              + "', '{\"o\":\"x\",\"c\":[[\"f\",\"t\",\"bogus\"]]}')");
    }
    a.publish(new Change.AgentChanged("after the junk"));
    assertThat(eventually(() -> b.received() == 1)).isTrue();
  }

  @Test
  void a_burst_crosses_in_full_and_in_order() throws Exception {
    PgNotifier a = start(NO_POLL, List.of());
    PgNotifier b = start(NO_POLL, List.of());
    List<Long> seqs = new CopyOnWriteArrayList<>();
    try (Feed feed =
        b.listen(
            new Feed.Listener() {
              @Override
              public void changed(Change change) {
                if (change instanceof Change.EventPublished e) {
                  seqs.add(e.seq());
                }
              }

              @Override
              public void closed(String reason) {}
            },
            100_000)) {
      for (long i = 0; i < 10_000; i++) {
        a.publish(new Change.EventPublished(i, "topic." + i));
      }
      assertThat(eventually(() -> seqs.size() == 10_000)).isTrue();
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(i);
      }
    }
  }
}
