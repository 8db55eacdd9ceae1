package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real daemon on a temp home with a settable clock; tests step time and run housekeeping. */
public final class DaemonFixture implements AutoCloseable {
  public final SettableClock clock = SettableClock.atSomeMoment();
  public final Path home;
  public final DaemonConfig config;
  public Daemon daemon;
  private final boolean roundsByHand;

  public DaemonFixture(Path dir) {
    this(dir, Map.of());
  }

  /**
   * @param settings config keys and values, as on the command line (e.g. pollInterval=1h)
   */
  public DaemonFixture(Path dir, Map<String, String> settings) {
    this(dir, settings, false);
  }

  private DaemonFixture(Path dir, Map<String, String> settings, boolean roundsByHand) {
    this.home = dir.resolve("home");
    this.config = ConfigLoader.load(home, Map.of(), settings);
    this.roundsByHand = roundsByHand;
    this.daemon = start();
  }

  /**
   * A daemon that only notifications can wake: an hour-long safety poll, and no background
   * housekeeping rounds (which also settle dependencies, barriers and lock expiry, and wake
   * claimers when the clock moved); the test runs rounds with {@link #advance}. A wait that ends
   * within its test's bound of seconds was ended by the change it waited for.
   *
   * @param kv more settings, as key, value, …
   */
  public static DaemonFixture wokenOnlyByNotifications(Path dir, String... kv) {
    Map<String, String> settings = new HashMap<>(ClaimTest.settings(kv));
    settings.put("pollInterval", "1h");
    return new DaemonFixture(dir, settings, true);
  }

  private Daemon start() {
    Daemon d = Daemon.start(config, clock);
    if (roundsByHand) {
      d.engine().housekeeper().stop();
    }
    return d;
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

  /**
   * Waits for the task to finish through {@code awaitTask}, and asserts that the wait was ended by
   * the finish (woken by its notification) rather than by running out: a wait that runs out returns
   * whatever the task has become meanwhile, which would hide a lost wake-up.
   */
  public Task awaitFinished(String id) {
    long bound = Duration.ofSeconds(10).toMillis();
    long start = System.nanoTime();
    Task t = service().awaitTask(id, bound);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(t.status().isTerminal())
        .as("task %s finished (status %s, error %s)", id, t.status(), t.error())
        .isTrue();
    assertThat(took)
        .as("awaitTask woken by the finish, not by its timeout")
        .isLessThan(Duration.ofMillis(bound));
    return t;
  }

  public void restart() {
    daemon.close();
    daemon = start();
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
