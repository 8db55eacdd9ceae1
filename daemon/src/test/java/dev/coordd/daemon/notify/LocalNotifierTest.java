package dev.coordd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalNotifierTest {
  final LocalNotifier notifier = new LocalNotifier();

  @AfterEach
  void close() {
    notifier.close();
  }

  @Test
  void a_change_between_the_check_and_the_wait_is_not_lost() throws Exception {
    long seen = notifier.generation(Channel.WORK);
    // the waiter "checked the store" here and found nothing; the change lands before it waits
    notifier.publish(new Change.TaskAvailable("t1", "build", null));
    long start = System.nanoTime();
    notifier.await(Channel.WORK, seen, Duration.ofHours(1).toMillis());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void a_waiter_already_waiting_wakes_on_a_change_to_its_channel() throws Exception {
    long seen = notifier.generation(Channel.EVENTS);
    CountDownLatch woke = new CountDownLatch(1);
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    notifier.await(Channel.EVENTS, seen, Duration.ofHours(1).toMillis());
                    woke.countDown();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    notifier.publish(new Change.LockFreed("a")); // another channel: no wake-up
    assertThat(woke.await(200, TimeUnit.MILLISECONDS)).isFalse();
    notifier.publish(new Change.EventPublished(1, "build.done"));
    assertThat(woke.await(5, TimeUnit.SECONDS)).isTrue();
    waiter.join();
  }

  @Test
  void a_latch_remembers_a_signal_sent_before_its_owner_waits() throws Exception {
    Latch latch = notifier.latch(c -> c instanceof Change.TaskFinished);
    notifier.publish(new Change.AgentChanged("bob")); // not asked for
    notifier.publish(new Change.TaskFinished("t1", TaskStatus.SUCCEEDED));
    long start = System.nanoTime();
    latch.await(Duration.ofHours(1).toMillis());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // consumed: the next wait times out
    start = System.nanoTime();
    latch.await(100);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void a_task_wait_registered_before_the_finish_is_released_by_it() throws Exception {
    try (TaskWait other = notifier.awaitTask("t2");
        TaskWait wait = notifier.awaitTask("t1")) {
      notifier.publish(new Change.TaskFinished("t1", TaskStatus.FAILED));
      assertThat(wait.await(TimeUnit.SECONDS.toNanos(5))).isTrue();
      assertThat(other.await(TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
    }
  }

  @Test
  void closing_releases_task_waits_and_later_waits_return_at_once() throws Exception {
    TaskWait wait = notifier.awaitTask("t1");
    notifier.close();
    assertThat(wait.await(TimeUnit.SECONDS.toNanos(5))).isTrue();
    assertThat(notifier.stopping()).isTrue();
    long start = System.nanoTime();
    notifier.await(
        Channel.LOCKS, notifier.generation(Channel.LOCKS), Duration.ofHours(1).toMillis());
    assertThat(notifier.awaitTask("t9").await(TimeUnit.HOURS.toNanos(1))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void every_listener_sees_changes_in_the_order_they_were_published() throws Exception {
    int n = 500;
    List<Change> first = Collections.synchronizedList(new ArrayList<>());
    List<Change> second = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(2);
    notifier.listen(collect(first, n, done), n + 1);
    notifier.listen(collect(second, n, done), n + 1);
    List<Change> published = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Change c = new Change.EventPublished(i, "topic." + i);
      published.add(c);
      notifier.publish(c);
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first).containsExactlyElementsOf(published);
    assertThat(second).containsExactlyElementsOf(published);
  }

  @Test
  void a_slow_listener_does_not_block_publishers_and_is_dropped_once_it_falls_behind()
      throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    AtomicReference<String> why = new AtomicReference<>();
    CountDownLatch told = new CountDownLatch(1);
    Feed slow =
        notifier.listen(
            new Feed.Listener() {
              @Override
              public void changed(Change change) {
                try {
                  stuck.await(); // never lets go while the test publishes
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }

              @Override
              public void closed(String reason) {
                why.set(reason);
                told.countDown();
              }
            },
            10);
    List<Change> fast = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch fastDone = new CountDownLatch(1);
    notifier.listen(collect(fast, 1_000, fastDone), 2_000);

    long start = System.nanoTime();
    for (int i = 1; i <= 1_000; i++) {
      notifier.publish(new Change.EventPublished(i, "t"));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(slow.isOpen()).isFalse();
    assertThat(fastDone.await(10, TimeUnit.SECONDS)).isTrue(); // the others get everything
    assertThat(fast).hasSize(1_000);

    stuck.countDown(); // the slow one finishes the change it held and hears why it was dropped
    assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(why.get()).contains("behind");
  }

  @Test
  void a_feed_ends_when_the_notifier_closes_and_its_listener_is_told() throws Exception {
    CountDownLatch told = new CountDownLatch(1);
    Feed feed =
        notifier.listen(
            new Feed.Listener() {
              @Override
              public void changed(Change change) {}

              @Override
              public void closed(String reason) {
                told.countDown();
              }
            },
            10);
    notifier.close();
    assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(feed.isOpen()).isFalse();
  }

  private static Feed.Listener collect(List<Change> into, int expected, CountDownLatch done) {
    return change -> {
      into.add(change);
      if (into.size() == expected) {
        done.countDown();
      }
    };
  }
}
