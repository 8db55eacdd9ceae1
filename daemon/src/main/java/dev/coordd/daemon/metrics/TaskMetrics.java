package dev.coordd.daemon.metrics;

import dev.coordd.api.Task;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What happens to tasks, counted by type where this daemon sees it happen: created through it,
 * claimed through it (by its workers or by agents on its doors), ended through it. In a cluster
 * each daemon counts its own share; Prometheus sums them. Thread-safe; each call is a map read and
 * an atomic add.
 */
public final class TaskMetrics {
  /** Distinct task types with tags of their own; see {@link TypeTags}. */
  public static final int MAX_TYPES = 100;

  private final TypeTags<TypeMeters> types;
  private final Timer daemonClaims;
  private final Timer agentClaims;

  TaskMetrics(MeterRegistry registry, int maxTypes) {
    this.types = new TypeTags<>(maxTypes, type -> new TypeMeters(registry, type));
    this.daemonClaims = claimTimer(registry, "daemon");
    this.agentClaims = claimTimer(registry, "agent");
  }

  private static Timer claimTimer(MeterRegistry registry, String claimer) {
    return TypeMeters.timer(
            "coordd.claim.duration",
            "One claim statement, queued behind the store writer and committed",
            null)
        .tag("claimer", claimer)
        .register(registry);
  }

  /** The tag {@code type} is counted under (itself, or {@code _other} past the cap). */
  public String tag(String type) {
    return types.tag(type);
  }

  public void created(Task task) {
    types.of(task.type()).created.increment();
  }

  /**
   * Tasks just claimed (at the claim's clock time): counted, and how long each waited since it was
   * due. A task that waited for its dependencies counts that wait too: its due time is its
   * creation.
   */
  public void claimed(List<Task> tasks) {
    for (Task t : tasks) {
      TypeMeters m = types.of(t.type());
      m.claimed.increment();
      if (t.startedAt() != null) {
        long due = Math.max(t.runAt(), t.createdAt());
        m.startDelay.record(Math.max(0, t.startedAt() - due), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** One claim statement took {@code nanos}; {@code byDaemon} for the daemon's own workers. */
  public void claimTime(boolean byDaemon, long nanos) {
    (byDaemon ? daemonClaims : agentClaims).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A handler of the daemon's ran for {@code nanos} and returned ({@code ok}) or threw. */
  public void handlerTime(String type, boolean ok, long nanos) {
    TypeMeters m = types.of(type);
    (ok ? m.handlerSuccess : m.handlerFailure).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A task's new state was committed; the terminal ones are counted. */
  public void changed(Task task) {
    switch (task.status()) {
      case SUCCEEDED -> types.of(task.type()).succeeded.increment();
      case FAILED -> types.of(task.type()).failed.increment();
      case CANCELLED -> types.of(task.type()).cancelled.increment();
      default -> {}
    }
  }

  /** The reaper took an attempt back whose lease ran out or whose owner went stale. */
  public void leaseExpired(Task task) {
    types.of(task.type()).leasesExpired.increment();
  }
}
