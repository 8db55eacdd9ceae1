package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.notify.LocalNotifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand agents wait in {@code claimTasks} for work of their own; creates of other work must
 * not touch them: no waiter is woken, none stops waiting, and every create is answered. How long
 * the creates take belongs in the benchmark (a timed assertion here failed on a loaded machine);
 * the figures are printed for the record.
 */
@Tag("reliability")
class ThousandWaitersTest {
  static final int WAITERS = 1000;
  static final int CREATES = 300;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void a_thousand_waiting_claimers_do_not_slow_creates() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        CoorddClient creator = CoorddClient.connect(home)) {
      creator.registerAgent(AgentRegistration.of("bystander"));
      Duration alone = timeCreates(creator);

      // Long waits run on virtual threads of their own, so a few connections carry them all.
      List<CoorddClient> conns = new ArrayList<>();
      List<CompletableFuture<?>> waits = new ArrayList<>();
      try {
        for (int c = 0; c < 10; c++) {
          conns.add(CoorddClient.connect(home));
        }
        for (int i = 0; i < WAITERS; i++) {
          CoorddClient conn = conns.get(i % conns.size());
          String agent = "waiter-" + i;
          waits.add(
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      conn.claimTasks(agent, List.of("never-" + agent), 1, 60_000, null);
                    } catch (RuntimeException closed) {
                      // the connection closes at the end of the test
                    }
                  },
                  r -> Thread.ofVirtual().start(r)));
        }
        LocalNotifier notifier = (LocalNotifier) daemon.engine().notifier();
        awaitWaiters(notifier, WAITERS);
        long wakeups = notifier.claimWakeups();
        Duration crowded = timeCreates(creator);
        System.out.printf(
            "ThousandWaitersTest: %d creates alone %s, with %d waiters %s%n",
            CREATES, alone, WAITERS, crowded);
        assertThat(notifier.claimWakeups() - wakeups)
            .as("waiters woken by %d creates of other work", CREATES)
            .isZero();
        assertThat(notifier.claimWaiters()).as("still waiting").isEqualTo(WAITERS);
        assertThat(waits).noneMatch(CompletableFuture::isDone);
      } finally {
        for (CoorddClient c : conns) {
          c.close();
        }
      }
    }
  }

  private static void awaitWaiters(LocalNotifier notifier, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (notifier.claimWaiters() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(notifier.claimWaiters()).as("claimers waiting").isEqualTo(count);
  }

  private static Duration timeCreates(CoorddClient creator) {
    long t0 = System.nanoTime();
    for (int i = 0; i < CREATES; i++) {
      creator.createTask(NewTask.of("later").withAssignedTo("bystander"));
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
