package dev.coordd.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Leader election on a real PostgreSQL: one leader per schema, and a successor when it goes. */
@Tag("cluster")
class AdvisoryLockLeaderTest {
  static final Duration TRY_EVERY = Duration.ofMillis(100);

  /** A bound on a takeover that must happen; failing it means the takeover did not happen. */
  static final long WITHIN_MS = 15_000;

  static PgTestSchema db;

  @BeforeAll
  static void schema() {
    db = PgTestSchema.create(AdvisoryLockLeaderTest.class);
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WITHIN_MS * 1_000_000;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  @Test
  void of_two_candidates_exactly_one_leads() throws Exception {
    try (AdvisoryLockLeader a = AdvisoryLockLeader.start(db.connector(), "a", TRY_EVERY);
        AdvisoryLockLeader b = AdvisoryLockLeader.start(db.connector(), "b", TRY_EVERY)) {
      assertThat(a.isLeader()).isTrue(); // the first to try, at start
      Thread.sleep(5 * TRY_EVERY.toMillis()); // b tried several times meanwhile
      assertThat(b.isLeader()).isFalse();
      assertThat(a.isLeader()).isTrue();
    }
  }

  @Test
  void when_the_leader_steps_down_the_other_takes_over() throws Exception {
    try (AdvisoryLockLeader b = startSecond()) {
      assertThat(eventually(b::isLeader)).isTrue();
    }
  }

  /** Starts a leader and a follower, closes the leader, and hands back the follower. */
  private AdvisoryLockLeader startSecond() throws Exception {
    AdvisoryLockLeader a = AdvisoryLockLeader.start(db.connector(), "a", TRY_EVERY);
    AdvisoryLockLeader b = AdvisoryLockLeader.start(db.connector(), "b", TRY_EVERY);
    assertThat(a.isLeader()).isTrue();
    assertThat(b.isLeader()).isFalse();
    a.close();
    assertThat(a.isLeader()).isFalse();
    return b;
  }

  @Test
  void a_leader_whose_connection_is_killed_loses_the_lead_and_the_other_takes_it()
      throws Exception {
    try (AdvisoryLockLeader a = AdvisoryLockLeader.start(db.connector(), "a", TRY_EVERY);
        AdvisoryLockLeader b = AdvisoryLockLeader.start(db.connector(), "b", TRY_EVERY)) {
      assertThat(a.isLeader()).isTrue();
      db.terminate(a.backendPid());
      assertThat(eventually(b::isLeader)).as("b leads once a's session is gone").isTrue();
      assertThat(eventually(() -> !a.isLeader())).as("a notices it lost the lead").isTrue();
      // a reconnects, and follows: the lock is b's
      Thread.sleep(5 * TRY_EVERY.toMillis());
      assertThat(a.isLeader()).isFalse();
      assertThat(b.isLeader()).isTrue();
    }
  }

  @Test
  void each_schema_has_its_own_leader() throws Exception {
    try (PgTestSchema other = PgTestSchema.create(PgTestSchema.class);
        AdvisoryLockLeader a = AdvisoryLockLeader.start(db.connector(), "a", TRY_EVERY);
        AdvisoryLockLeader b = AdvisoryLockLeader.start(other.connector(), "b", TRY_EVERY)) {
      assertThat(a.isLeader()).isTrue();
      assertThat(b.isLeader()).isTrue();
    }
  }

  @Test
  void a_candidate_that_cannot_reach_the_database_does_not_lead_and_does_not_throw()
      throws Exception {
    try (AdvisoryLockLeader a =
        AdvisoryLockLeader.start(
            () -> {
              throw new java.sql.SQLException("connection refused (test)");
            },
            "a",
            TRY_EVERY)) {
      Thread.sleep(3 * TRY_EVERY.toMillis());
      assertThat(a.isLeader()).isFalse();
    }
  }
}
