package dev.coordd.daemon.watch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WatchdogTest {
  final AtomicLong now = new AtomicLong(1_000);
  final List<Watchdog.Stall> stalls = new CopyOnWriteArrayList<>();
  final Watchdog dog =
      Watchdog.manual("store writer", Duration.ofSeconds(1), now::get, stalls::add);

  /** A loop thread stuck in {@link #stuckInACommit} until released. */
  final CountDownLatch started = new CountDownLatch(1);

  final CountDownLatch release = new CountDownLatch(1);

  void stuckInACommit() {
    dog.begin("commit of 3 operations");
    started.countDown();
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dog.end();
  }

  @Test
  void an_operation_over_the_limit_is_reported_once_with_the_loop_threads_stack() throws Exception {
    Thread loop = Thread.ofPlatform().name("coordd-store-writer").start(this::stuckInACommit);
    started.await(10, TimeUnit.SECONDS);

    now.addAndGet(Duration.ofMillis(900).toNanos());
    dog.check();
    assertThat(stalls).as("under the limit").isEmpty();

    now.addAndGet(Duration.ofMillis(600).toNanos());
    dog.check();
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    dog.check();

    assertThat(stalls).hasSize(1);
    Watchdog.Stall stall = stalls.get(0);
    assertThat(stall.thread()).isSameAs(loop);
    assertThat(stall.held()).isEqualTo(Duration.ofMillis(1_500));
    assertThat(Arrays.stream(stall.stack()).map(StackTraceElement::getMethodName))
        .contains("stuckInACommit");
    assertThat(stall.toString())
        .startsWith("store writer has been busy with commit of 3 operations for 1500 ms")
        .contains("stuckInACommit");
    release.countDown();
    loop.join(10_000);
  }

  @Test
  void each_stall_is_reported_and_a_finished_operation_is_not() {
    dog.begin("first batch");
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    dog.check();
    dog.end();
    dog.check();

    dog.begin("second batch");
    now.addAndGet(Duration.ofMillis(10).toNanos());
    dog.end();
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    dog.check();

    dog.begin("third batch");
    now.addAndGet(Duration.ofSeconds(3).toNanos());
    dog.check();

    assertThat(stalls)
        .extracting(Watchdog.Stall::operation)
        .containsExactly("first batch", "third batch");
  }

  @Test
  void the_timer_finds_a_stall_without_being_asked() throws Exception {
    CompletableFuture<Watchdog.Stall> found = new CompletableFuture<>();
    try (Watchdog timed =
        Watchdog.timed("socket acceptor", Duration.ofMillis(20), found::complete)) {
      timed.begin("checking a peer");
      Watchdog.Stall stall = found.get(10, TimeUnit.SECONDS);
      timed.end();
      assertThat(stall.loop()).isEqualTo("socket acceptor");
      assertThat(stall.thread()).isSameAs(Thread.currentThread());
    }
  }

  @Test
  void a_stall_is_logged_as_a_warning_with_the_stack() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(Watchdog.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try (Watchdog dog = Watchdog.start("the socket acceptor", Duration.ofMillis(20))) {
      dog.begin("admitting a connection");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (logged.list.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5); // bounded: polling the appender for the timer's report
      }
      dog.end();
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list).hasSize(1);
    assertThat(logged.list.get(0).getLevel()).isEqualTo(Level.WARN);
    assertThat(logged.list.get(0).getFormattedMessage())
        .startsWith("the socket acceptor has been busy with admitting a connection for ")
        .contains("a_stall_is_logged_as_a_warning_with_the_stack");
  }
}
