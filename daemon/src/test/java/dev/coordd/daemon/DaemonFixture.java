package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real daemon on a temp home with a settable clock; tests step time and run housekeeping. */
public final class DaemonFixture implements AutoCloseable {
  public final SettableClock clock = SettableClock.atSomeMoment();
  public final Path home;
  public final DaemonConfig config;
  public Daemon daemon;

  public DaemonFixture(Path dir) {
    this(dir, Map.of());
  }

  /**
   * @param settings config keys and values, as on the command line (e.g. pollInterval=1h)
   */
  public DaemonFixture(Path dir, Map<String, String> settings) {
    this.home = dir.resolve("home");
    this.config = ConfigLoader.load(home, Map.of(), settings);
    this.daemon = Daemon.start(config, clock);
  }

  public CoordinationService service() {
    return daemon.service();
  }

  /** Steps the clock, then runs one housekeeping round (timeouts, leases, reaper). */
  public void advance(Duration d) {
    clock.step(d);
    daemon.engine().housekeeper().tick();
  }

  /** Waits (real time, bounded) until the task reaches the status; the engine runs async. */
  public Task awaitStatus(String id, TaskStatus status) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Task t = service().getTask(id);
    while (t.status() != status && System.nanoTime() < until) {
      sleep(5);
      t = service().getTask(id);
    }
    assertThat(t.status()).as("status of task %s (error %s)", id, t.error()).isEqualTo(status);
    return t;
  }

  public void restart() {
    daemon.close();
    daemon = Daemon.start(config, clock);
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    daemon.close();
  }
}
