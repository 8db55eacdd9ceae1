package dev.coordd.daemon.metrics;

import dev.coordd.api.CoordinationService;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One daemon's metrics: owns its Prometheus registry (never the global one, so two daemons in one
 * JVM, as in tests, count apart), the task meters the engine feeds, the store writer's commits, the
 * connection and state gauges, and the JVM binders. Built by the daemon, closed with it.
 * Thread-safe.
 */
public final class Metrics implements AutoCloseable {
  private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
  private static final Duration[] COMMIT_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TaskMetrics tasks;
  private final StateGauges state;
  private final DistributionSummary batchSize;
  private final Timer commitTime;
  private JvmGcMetrics gc;

  public Metrics() {
    this(TaskMetrics.MAX_TYPES);
  }

  /**
   * @param maxTypes distinct task types with tags of their own, the rest counted as {@code _other}
   */
  public Metrics(int maxTypes) {
    this.tasks = new TaskMetrics(registry, maxTypes);
    this.state = new StateGauges(registry, tasks);
    this.batchSize =
        DistributionSummary.builder("coordd.writer.batch.size")
            .description("Operations committed in one store writer transaction (group commit)")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    this.commitTime =
        Timer.builder("coordd.writer.commit.duration")
            .description("One store writer transaction, begin to commit (fsync included)")
            .serviceLevelObjectives(COMMIT_BUCKETS)
            .register(registry);
  }

  /** Memory, GC, threads, class loading, CPU, uptime and file descriptors of this process. */
  public Metrics bindJvm() {
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return this;
  }

  /** The queue, task and agent gauges read through {@code service} from now on. */
  public void watch(CoordinationService service) {
    state.watch(service);
  }

  /** A gauge of the connections open now on {@code door} ({@code socket}, {@code http}). */
  public void connections(String door, IntSupplier open) {
    Gauge.builder("coordd.connections", open, IntSupplier::getAsInt)
        .description("Client connections open now")
        .tag("door", door)
        .strongReference(true) // the supplier lives only here; a weak one would be collected
        .register(registry);
  }

  public TaskMetrics tasks() {
    return tasks;
  }

  /** The store writer committed {@code operations} in one transaction of {@code nanos}. */
  public void committed(int operations, long nanos) {
    batchSize.record(operations);
    commitTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Every meter in the Prometheus text format, the store-read gauges refreshed first. */
  public String scrape() {
    state.refresh();
    return registry.scrape();
  }

  /** For tests and embedders that read meters directly. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
