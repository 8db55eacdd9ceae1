package dev.coordd.daemon.cluster;

import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.LocalNotifier;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.notify.PgNotifier;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.StoreSettings;
import dev.coordd.daemon.store.TaskLeases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * What a daemon needs to share its store with others, built for the store it opened: on SQLite the
 * in-process notifier and {@link Leadership#ALWAYS} (one daemon per file, exactly as before); on
 * PostgreSQL a {@link PgNotifier} and an {@link AdvisoryLockLeader}, each on connections of its
 * own, outside the store's pool, because a LISTEN and a session lock must stay on one session.
 */
public final class Cluster implements AutoCloseable {
  /** How often a daemon that does not lead tries for the leadership. */
  public static final Duration LEADER_TRY_EVERY = Duration.ofMillis(500);

  private final Notifier notifier;
  private final Leadership leadership;

  public Cluster(Notifier notifier, Leadership leadership) {
    this.notifier = notifier;
    this.leadership = leadership;
  }

  /** One daemon alone on its store. */
  public static Cluster alone() {
    return new Cluster(new LocalNotifier(), Leadership.ALWAYS);
  }

  /**
   * The parts for {@code settings}' store.
   *
   * @param self the daemon's name, for the log
   * @param pollInterval how often a PostgreSQL daemon looks again for changes it may have missed
   */
  public static Cluster of(
      StoreSettings settings, Store store, Clock clock, String self, Duration pollInterval) {
    if (settings.kind() != StoreSettings.Kind.POSTGRES) {
      return alone();
    }
    TaskLeases leases = new TaskLeases(store.sql());
    PgNotifier notifier =
        PgNotifier.start(
            connector(settings.url(), "coordd-notify"),
            pollInterval,
            () -> claimable(store, leases, clock));
    try {
      return new Cluster(
          notifier,
          AdvisoryLockLeader.start(
              connector(settings.url(), "coordd-leader"), self, LEADER_TRY_EVERY));
    } catch (RuntimeException e) {
      notifier.close();
      throw e;
    }
  }

  private static List<Change.TaskAvailable> claimable(Store store, TaskLeases leases, Clock clock) {
    long now = clock.millis();
    return store.read(tx -> leases.claimableKinds(tx, now)).stream()
        .map(k -> new Change.TaskAvailable(k.id(), k.type(), k.assignedTo()))
        .toList();
  }

  /** New connections to {@code url}, named for {@code pg_stat_activity}. */
  public static PgNotifier.Connector connector(String url, String applicationName) {
    return () -> {
      Properties p = new Properties();
      p.setProperty("ApplicationName", applicationName);
      // a dead peer is noticed by the server in minutes rather than hours
      p.setProperty("tcpKeepAlive", "true");
      p.setProperty("connectTimeout", "10");
      Connection c = DriverManager.getConnection(url, p);
      return c;
    };
  }

  public Notifier notifier() {
    return notifier;
  }

  public Leadership leadership() {
    return leadership;
  }

  /**
   * Steps down and closes the notifier (the engine closed it already after a graceful stop; a
   * second close does nothing), so no thread or connection outlives a daemon whose stop failed.
   */
  @Override
  public void close() {
    try {
      leadership.close();
    } finally {
      notifier.close();
    }
  }
}
