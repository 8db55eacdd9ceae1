package dev.coordd.daemon.metrics;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.QueueState;
import dev.coordd.api.Stats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of shared state, read from the store at scrape time rather than kept up on the hot path:
 * queue depth by type and status, tasks by status, agents by status. One read serves every scrape
 * within a second, so several Prometheus servers (or a refreshing dashboard) cost one query a
 * second. In a cluster these are the cluster's numbers, the same on every daemon (aggregate with
 * max, not sum). Thread-safe.
 */
final class StateGauges {
  private static final Logger log = LoggerFactory.getLogger(StateGauges.class);
  private static final long FRESH_NANOS = 1_000_000_000L;

  private record Snapshot(Stats stats, List<QueueState> queues) {}

  private final TaskMetrics tasks;
  private final MultiGauge queueDepth;
  private volatile CoordinationService service;
  private volatile Snapshot last;
  private long readAt; // System.nanoTime of the last read: the cache is real time, not task time

  StateGauges(MeterRegistry registry, TaskMetrics tasks) {
    this.tasks = tasks;
    this.queueDepth =
        MultiGauge.builder("coordd.queue.depth")
            .description("Tasks of a type queued or running now (whole store)")
            .register(registry);
    agents(registry, "active", s -> s.agents().activeAgents());
    agents(registry, "stale", s -> s.agents().staleAgents());
    agents(registry, "offline", s -> s.agents().offlineAgents());
    taskCount(registry, "queued", s -> s.coordination().queuedTasks());
    taskCount(registry, "running", s -> s.coordination().activeTasks());
    taskCount(registry, "waiting", s -> s.coordination().waitingTasks());
    taskCount(registry, "succeeded", s -> s.coordination().completedTasks());
    taskCount(registry, "failed", s -> s.coordination().failedTasks());
    taskCount(registry, "cancelled", s -> s.coordination().cancelledTasks());
  }

  private void agents(MeterRegistry registry, String status, ToDoubleFunction<Stats> value) {
    Gauge.builder("coordd.agents", this, g -> g.read(value))
        .description("Agents by status (whole store)")
        .tag("status", status)
        .register(registry);
  }

  private void taskCount(MeterRegistry registry, String status, ToDoubleFunction<Stats> value) {
    Gauge.builder("coordd.store.tasks", this, g -> g.read(value))
        .description("Tasks in the store by status, all types")
        .tag("status", status)
        .register(registry);
  }

  private double read(ToDoubleFunction<Stats> value) {
    Snapshot s = last;
    return s == null ? Double.NaN : value.applyAsDouble(s.stats());
  }

  void watch(CoordinationService service) {
    this.service = service;
  }

  /** Reads the store if the last read is over a second old; a failed read keeps the last one. */
  synchronized void refresh() {
    CoordinationService s = service;
    long now = System.nanoTime();
    if (s == null || (last != null && now - readAt < FRESH_NANOS)) {
      return;
    }
    try {
      last = new Snapshot(s.stats(), s.listQueues());
      readAt = now;
      queueDepth.register(rows(last.queues()), true);
    } catch (RuntimeException e) {
      log.warn(
          "metrics: reading queue and agent counts failed; serving the last ones: {}",
          e.toString());
    }
  }

  /** One row per type tag and status; types past the cap add up under {@code _other}. */
  private List<MultiGauge.Row<?>> rows(List<QueueState> queues) {
    Map<String, long[]> byTag = new LinkedHashMap<>();
    for (QueueState q : queues) {
      long[] n = byTag.computeIfAbsent(tasks.tag(q.type()), t -> new long[2]);
      n[0] += q.queued();
      n[1] += q.running();
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    byTag.forEach(
        (tag, n) -> {
          rows.add(MultiGauge.Row.of(Tags.of("type", tag, "status", "queued"), n[0]));
          rows.add(MultiGauge.Row.of(Tags.of("type", tag, "status", "running"), n[1]));
        });
    return rows;
  }
}
