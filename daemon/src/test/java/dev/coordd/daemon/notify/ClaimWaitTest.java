package dev.coordd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim waiters on their own: who is handed what. A waiter's {@code await} returns at once when
 * it was handed something, and runs out (a short bound) when it was not.
 */
class ClaimWaitTest {
  /** A bound for waits that a hand-off must end; a lost hand-off fails, it does not hang. */
  static final long SOON = Duration.ofSeconds(5).toMillis();

  final LocalNotifier notifier = new LocalNotifier();

  @AfterEach
  void close() {
    notifier.close();
  }

  @Test
  void a_task_is_handed_to_one_waiter_of_its_type_the_longest_waiting() throws Exception {
    try (ClaimWait first = notifier.awaitClaimable("a", List.of("build"), 1);
        ClaimWait second = notifier.awaitClaimable("b", List.of("build"), 1);
        ClaimWait other = notifier.awaitClaimable("c", List.of("test"), 1)) {
      notifier.publish(new Change.TaskAvailable("t1", "build", null));
      assertThat(first.await(SOON)).isTrue();
      assertThat(second.await(20)).isFalse();
      assertThat(other.await(20)).isFalse();
      assertThat(notifier.claimWakeups()).isEqualTo(1);
    }
  }

  @Test
  void a_waiter_for_any_type_takes_any_unassigned_task() throws Exception {
    try (ClaimWait any = notifier.awaitClaimable("a", List.of(), 1)) {
      notifier.publish(new Change.TaskAvailable("t1", "whatever", null));
      assertThat(any.await(SOON)).isTrue();
    }
  }

  @Test
  void an_assigned_task_goes_only_to_its_assignee_whatever_types_it_waits_for() throws Exception {
    try (ClaimWait bob = notifier.awaitClaimable("bob", List.of("review"), 1);
        ClaimWait alice = notifier.awaitClaimable("alice", List.of("other"), 1)) {
      notifier.publish(new Change.TaskAvailable("t1", "review", "alice"));
      assertThat(alice.await(SOON)).isTrue();
      assertThat(bob.await(20)).isFalse();
    }
  }

  @Test
  void an_assigned_task_whose_assignee_is_not_waiting_wakes_nobody() throws Exception {
    try (ClaimWait bob = notifier.awaitClaimable("bob", List.of("review"), 1)) {
      notifier.publish(new Change.TaskAvailable("t1", "review", "alice"));
      assertThat(bob.await(20)).isFalse();
      assertThat(notifier.claimWakeups()).isZero();
    }
  }

  @Test
  void a_waiter_is_handed_no_more_than_it_may_claim_and_the_rest_go_to_others() throws Exception {
    try (ClaimWait two = notifier.awaitClaimable("a", List.of("build"), 2);
        ClaimWait one = notifier.awaitClaimable("b", List.of("build"), 1);
        ClaimWait late = notifier.awaitClaimable("c", List.of("build"), 1)) {
      for (int i = 1; i <= 3; i++) {
        notifier.publish(new Change.TaskAvailable("t" + i, "build", null));
      }
      assertThat(two.await(SOON)).isTrue();
      assertThat(one.await(SOON)).isTrue();
      assertThat(late.await(20)).as("three tasks, three places").isFalse();
    }
  }

  @Test
  void time_passing_and_finishes_wake_no_claimer() throws Exception {
    try (ClaimWait w = notifier.awaitClaimable("a", List.of("build"), 1)) {
      notifier.publish(new Change.TimePassed(1));
      notifier.publish(new Change.TaskFinished("t0", TaskStatus.SUCCEEDED));
      notifier.publish(new Change.TaskChanged("t1", TaskStatus.QUEUED));
      assertThat(w.await(20)).isFalse();
    }
  }

  @Test
  void a_policy_change_or_a_freed_slot_wakes_one_waiter_of_that_type() throws Exception {
    try (ClaimWait a = notifier.awaitClaimable("a", List.of("deploy"), 1);
        ClaimWait b = notifier.awaitClaimable("b", List.of("deploy"), 1);
        ClaimWait c = notifier.awaitClaimable("c", List.of("deploy"), 1);
        ClaimWait other = notifier.awaitClaimable("d", List.of("build"), 1)) {
      notifier.publish(new Change.QueuePolicyChanged("deploy"));
      notifier.publish(new Change.CapacityFreed("deploy"));
      assertThat(a.await(SOON)).isTrue();
      assertThat(b.await(SOON)).isTrue();
      assertThat(c.await(20)).isFalse();
      assertThat(other.await(20)).isFalse();
    }
  }

  @Test
  void a_waiter_whose_claim_came_back_full_hands_on_what_it_was_given_and_did_not_take()
      throws Exception {
    try (ClaimWait next = notifier.awaitClaimable("b", List.of("build"), 1)) {
      ClaimWait full = notifier.awaitClaimable("a", List.of("build"), 1);
      notifier.publish(new Change.TaskAvailable("t1", "build", null)); // to "next", the oldest
      notifier.publish(new Change.TaskAvailable("t2", "build", null)); // "next" is full: to "a"
      next.beforeClaim(); // "next" claims t1 and has room again
      assertThat(full.await(SOON)).isTrue();
      full.beforeClaim();
      full.afterClaim(List.of("t0"), true); // took an older task; t2 may still be queued
      full.close();
      assertThat(next.await(SOON)).as("t2 handed on").isTrue();
    }
  }

  @Test
  void a_waiter_whose_claim_came_back_short_hands_nothing_on() throws Exception {
    try (ClaimWait other = notifier.awaitClaimable("b", List.of("build"), 1)) {
      ClaimWait shortOne = notifier.awaitClaimable("a", List.of("build"), 2);
      notifier.publish(new Change.TaskAvailable("t1", "build", null)); // to "other", the oldest
      notifier.publish(new Change.TaskAvailable("t2", "build", null)); // "other" is full
      assertThat(shortOne.await(SOON)).isTrue();
      shortOne.beforeClaim();
      shortOne.afterClaim(List.of(), false); // t2 was gone or not claimable: nobody can take it
      shortOne.close();
      other.beforeClaim();
      assertThat(other.await(20)).isFalse();
    }
  }

  @Test
  void a_task_handed_while_the_claim_ran_is_handed_on_when_the_waiter_leaves() throws Exception {
    try (ClaimWait next = notifier.awaitClaimable("b", List.of("build"), 1)) {
      notifier.publish(new Change.TaskAvailable("t0", "build", null)); // fills "next"
      ClaimWait leaving = notifier.awaitClaimable("a", List.of("build"), 1);
      leaving.beforeClaim();
      notifier.publish(new Change.TaskAvailable("t1", "build", null)); // its claim may miss it
      leaving.afterClaim(List.of(), false);
      next.beforeClaim();
      leaving.close();
      assertThat(next.await(SOON)).isTrue();
    }
  }

  @Test
  void a_waiter_whose_claim_failed_hands_on_what_it_was_given() throws Exception {
    try (ClaimWait next = notifier.awaitClaimable("b", List.of("build"), 1)) {
      notifier.publish(new Change.TaskAvailable("t0", "build", null)); // fills "next"
      ClaimWait failing = notifier.awaitClaimable("a", List.of("build"), 1);
      notifier.publish(new Change.TaskAvailable("t1", "build", null));
      failing.beforeClaim(); // the claim throws: no afterClaim
      next.beforeClaim();
      failing.close();
      assertThat(next.await(SOON)).isTrue();
    }
  }

  @Test
  void stopping_ends_every_wait_and_later_ones_at_once() throws Exception {
    try (ClaimWait w = notifier.awaitClaimable("a", List.of("build"), 1)) {
      notifier.publish(new Change.Stopping());
      assertThat(w.await(SOON)).isTrue();
    }
    notifier.close();
    try (ClaimWait late = notifier.awaitClaimable("b", List.of(), 1)) {
      assertThat(late.await(SOON)).isTrue();
    }
  }

  @Test
  void a_closed_waiter_is_handed_nothing() throws Exception {
    ClaimWait gone = notifier.awaitClaimable("a", List.of("build"), 1);
    gone.close();
    try (ClaimWait here = notifier.awaitClaimable("b", List.of("build"), 1)) {
      notifier.publish(new Change.TaskAvailable("t1", "build", null));
      assertThat(here.await(SOON)).isTrue();
      assertThat(notifier.claimWaiters()).isEqualTo(1);
    }
  }
}
