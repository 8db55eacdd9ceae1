package dev.coordd.daemon.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.daemon.config.FeatureSettings.EventRulesDeserializer;
import dev.coordd.daemon.config.FeatureSettings.SchedulesDeserializer;
import dev.coordd.daemon.events.EventRule;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the daemon can be told, validated once by {@link ConfigLoader} and immutable after.
 * Each component is a key of {@code config.schema.json}, which holds its limits and its default
 * (the {@code DEFAULT_*} constants are the same values, for code that needs them). Keys in {@code
 * config.json}, the {@code COORDD_*} environment and {@code --set} use the component names (e.g.
 * {@code pollInterval}, {@code COORDD_POLL_INTERVAL}).
 *
 * @param home the folder that holds the store, socket, pid file and logs
 * @param name the daemon's agent name; the same name is the same identity across restarts. Defaults
 *     to {@code daemon}, or {@code daemon@<host>} on a PostgreSQL store, where several daemons
 *     share one agent registry
 * @param pollInterval the safety-net poll; new tasks wake workers at once without it
 * @param concurrency how many handlers run at once
 * @param leaseDuration how long a claimed task stays leased without renewal
 * @param leases lease lengths by agent kind (e.g. {@code claude_code}) for claims that do not say;
 *     a lease longer than {@code leaseDuration} is not taken back when its agent misses heartbeats
 * @param heartbeatInterval how often agents are expected to beat; stale after three misses
 * @param offlineAfter silence after which an agent counts as offline
 * @param shutdownGrace how long a graceful stop waits for running handlers
 * @param defaultMaxAttempts attempts for a task that does not say
 * @param defaultTimeout handler timeout for a task that does not say
 * @param retryBackoffBase first retry delay; doubles per attempt, with jitter
 * @param retryBackoffMax cap on the retry delay
 * @param maxPayloadBytes cap on a task's data and result, serialised
 * @param synchronous SQLite durability: {@code FULL} fsyncs every commit (survives power loss),
 *     {@code NORMAL} survives a crash of the daemon but may lose the last commits on power loss
 * @param busyTimeout how long SQLite waits for a lock before failing
 * @param fileRoots folders {@code file_operation} may touch; nothing outside them
 * @param fileMaxReadBytes largest file {@code file_operation} reads
 * @param commands command handlers by task type
 * @param agentRunners headless agent CLIs for {@code invoke_agent}, by agent type
 * @param invocationExpiry how long a queued invocation may wait for an agent before its task fails
 * @param eventRetention events older than this are deleted, unless a subscriber still needs them
 * @param eventRules topic → task rules
 * @param schedules schedules declared in the configuration, by name
 * @param queueLimits concurrency limits by task type
 * @param store where tasks are kept (validated; only SQLite until the PostgreSQL store arrives)
 * @param http the HTTP door (off unless enabled)
 * @param retention how long finished work is kept before the daemon deletes it
 * @param rateLimit the per-agent limit on creating tasks through the doors (off by default)
 * @param socket limits of the socket door: connections at once, idle timeout
 * @param logging levels by logger and the cap on the log folder
 */
public record DaemonConfig(
    Path home,
    String name,
    Duration pollInterval,
    int concurrency,
    Duration leaseDuration,
    Map<String, Duration> leases,
    Duration heartbeatInterval,
    Duration offlineAfter,
    Duration shutdownGrace,
    int defaultMaxAttempts,
    Duration defaultTimeout,
    Duration retryBackoffBase,
    Duration retryBackoffMax,
    int maxPayloadBytes,
    Synchronous synchronous,
    Duration busyTimeout,
    List<Path> fileRoots,
    long fileMaxReadBytes,
    Map<String, CommandHandlerConfig> commands,
    Map<String, AgentRunnerConfig> agentRunners,
    Duration invocationExpiry,
    Duration eventRetention,
    @JsonDeserialize(using = EventRulesDeserializer.class) List<EventRule> eventRules,
    @JsonDeserialize(using = SchedulesDeserializer.class) Map<String, ScheduleSpec> schedules,
    Map<String, Integer> queueLimits,
    StoreConfig store,
    HttpConfig http,
    RetentionConfig retention,
    RateLimitConfig rateLimit,
    SocketConfig socket,
    LoggingConfig logging) {

  public static final String DEFAULT_HOME = ".coordd";
  public static final String DEFAULT_NAME = "daemon";
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_CONCURRENCY = 16;
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** The longest lease a claim may ask for or the configuration may give an agent kind. */
  public static final Duration MAX_LEASE = Duration.ofHours(24);

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofHours(1);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RETRY_BACKOFF_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
  public static final Synchronous DEFAULT_SYNCHRONOUS = Synchronous.FULL;
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
  public static final long DEFAULT_FILE_MAX_READ_BYTES = 1 << 20;
  public static final Duration DEFAULT_INVOCATION_EXPIRY = Duration.ofHours(24);
  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);

  /** SQLite's {@code PRAGMA synchronous} levels that keep an acknowledged task on a crash. */
  public enum Synchronous {
    FULL,
    NORMAL;

    /** Any case, as SQLite itself accepts. */
    @JsonCreator
    static Synchronous of(String text) {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
  }

  public DaemonConfig {
    leases = Map.copyOf(leases);
    fileRoots = List.copyOf(fileRoots);
    commands = Map.copyOf(commands);
    agentRunners = Map.copyOf(agentRunners);
    eventRules = List.copyOf(eventRules);
    schedules = Map.copyOf(schedules);
    queueLimits = Map.copyOf(queueLimits);
  }

  /**
   * All defaults (those of {@code config.schema.json}), for a home; the file roots default to the
   * folder that holds the home.
   */
  public static DaemonConfig defaults(Path home) {
    try {
      return ConfigBinder.bind(home, Json.MAPPER.createObjectNode());
    } catch (IOException e) {
      throw new UncheckedIOException("config.schema.json defaults do not bind", e);
    }
  }

  /**
   * The task types a daemon with this configuration runs itself: the built-in ones and the command
   * handlers'. A client with no daemon to ask uses this to refuse a type nobody would run; Java
   * code that embeds the daemon may register more.
   */
  public Set<String> handledTypes() {
    Set<String> types = new TreeSet<>(PostBindChecks.BUILT_IN_TYPES);
    types.addAll(commands.keySet());
    return types;
  }

  public Path database() {
    return home.resolve("coordd.db");
  }

  public Path invocations() {
    return home.resolve("invocations");
  }

  public Path pidFile() {
    return home.resolve("coordd.pid");
  }

  /**
   * The lease for a claim that does not name one: the one configured for the agent's {@code kind},
   * else {@link #leaseDuration}.
   */
  public Duration leaseFor(String kind) {
    Duration configured = kind == null ? null : leases.get(kind);
    return configured != null ? configured : leaseDuration;
  }

  public Duration staleAfter() {
    return heartbeatInterval.multipliedBy(3);
  }
}
