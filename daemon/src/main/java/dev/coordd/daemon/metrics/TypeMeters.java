package dev.coordd.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The meters of one task type (or of {@link TypeTags#OTHER}), registered once and then only
 * incremented: a registry lookup per task would cost a map search and a tag sort on the hot path.
 * Histograms use fixed buckets rather than Micrometer's percentile histogram (some 70 buckets),
 * since each type multiplies them: 16 buckets from 1 ms to 5 min cover a claim in the same
 * millisecond and a task that waited minutes for a worker.
 */
final class TypeMeters {
  static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(120),
    Duration.ofSeconds(300)
  };

  final Counter created;
  final Counter claimed;
  final Counter succeeded;
  final Counter failed;
  final Counter cancelled;
  final Counter leasesExpired;
  final Timer startDelay;
  final Timer handlerSuccess;
  final Timer handlerFailure;

  TypeMeters(MeterRegistry registry, String type) {
    created = counter(registry, "coordd.tasks.submitted", "Tasks created (submitted)", type);
    claimed =
        counter(registry, "coordd.tasks.claimed", "Attempts started (claimed by anyone)", type);
    succeeded = counter(registry, "coordd.tasks.succeeded", "Tasks that succeeded", type);
    failed = counter(registry, "coordd.tasks.failed", "Tasks failed for good", type);
    cancelled = counter(registry, "coordd.tasks.cancelled", "Tasks cancelled", type);
    leasesExpired =
        counter(
            registry,
            "coordd.leases.expired",
            "Attempts whose lease ran out or whose owner went stale (they run again)",
            type);
    startDelay =
        timer(
                "coordd.task.start.delay",
                "From when a task was due (created, or its delay or retry backoff over) to its"
                    + " claim",
                type)
            .register(registry);
    handlerSuccess = handler(registry, type, "success");
    handlerFailure = handler(registry, type, "failure");
  }

  private static Counter counter(MeterRegistry registry, String name, String help, String type) {
    return Counter.builder(name).description(help).tag("type", type).register(registry);
  }

  private static Timer handler(MeterRegistry registry, String type, String outcome) {
    return timer(
            "coordd.handler.duration", "How long the daemon's own handlers ran, by outcome", type)
        .tag("outcome", outcome)
        .register(registry);
  }

  static Timer.Builder timer(String name, String help, String type) {
    Timer.Builder b = Timer.builder(name).description(help).serviceLevelObjectives(BUCKETS);
    return type == null ? b : b.tag("type", type);
  }
}
