package dev.coordd.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.builtin.CommandHandler;
import dev.coordd.daemon.builtin.CoordinationHandler;
import dev.coordd.daemon.builtin.FileOperationHandler;
import dev.coordd.daemon.builtin.PathSandbox;
import dev.coordd.daemon.cluster.Cluster;
import dev.coordd.daemon.cluster.NameCheck;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.config.HostName;
import dev.coordd.daemon.config.StoreConfig;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.fs.PrivateHome;
import dev.coordd.daemon.handler.HandlerRegistry;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.daemon.http.DashboardRoutes;
import dev.coordd.daemon.http.HttpDoor;
import dev.coordd.daemon.inbox.Inbox;
import dev.coordd.daemon.invoke.AgentInvoker;
import dev.coordd.daemon.invoke.DatabaseInvocations;
import dev.coordd.daemon.invoke.InvocationFiles;
import dev.coordd.daemon.invoke.InvocationQueue;
import dev.coordd.daemon.invoke.InvocationStore;
import dev.coordd.daemon.invoke.InvokeAgentHandler;
import dev.coordd.daemon.invoke.runner.AgentRunner;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.retention.RetentionRunner;
import dev.coordd.daemon.rpc.MethodTable;
import dev.coordd.daemon.rpc.RpcServer;
import dev.coordd.daemon.rpc.SocketLimits;
import dev.coordd.daemon.service.LocalCoordinationService;
import dev.coordd.daemon.store.AgentStore;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.StoreFactory;
import dev.coordd.daemon.store.StoreSettings;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordd: owns the home, the store and the engine, and exposes the {@link
 * CoordinationService}. Start with {@link #start(DaemonConfig)}; {@link #close()} stops gracefully
 * (stop claiming, let handlers finish within the grace period, requeue the rest).
 *
 * <p>Embedding Java code adds task types with {@link #registerHandler(String, TaskHandler)}.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final DaemonConfig config;
  private final HomeLock lock;
  private final Store store;
  private final Cluster cluster;
  private final Engine engine;
  private final LocalCoordinationService service;
  private final RetentionRunner retention;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private RpcServer rpc;
  private HttpDoor http;
  private Inbox inbox;

  private Daemon(DaemonConfig config, Clock clock, HomeLock lock, Store store, Cluster cluster) {
    this.config = config;
    this.lock = lock;
    this.store = store;
    this.cluster = cluster;
    HandlerRegistry handlers = new HandlerRegistry();
    this.engine =
        new Engine(config, clock, store, handlers, cluster.notifier(), cluster.leadership());
    // Files are per machine: with a shared store (a cluster) the invocations live in its table so
    // that every machine's sessions see and take the same ones.
    InvocationStore invocationStore =
        config.store().kind() == StoreSettings.Kind.POSTGRES
            ? new DatabaseInvocations(store, clock)
            : new InvocationFiles(config.home(), clock);
    InvocationQueue invocations =
        new InvocationQueue(engine, invocationStore, config.invocationExpiry());
    this.service = new LocalCoordinationService(engine, invocations, running::get);
    // Invocation files live in this daemon's home, so each daemon reconciles its own; invocations
    // in the shared store are shared state, reconciled and expired once per cluster (the leader).
    if (invocationStore.shared()) {
      engine.addClusterChore(invocations::reconcile);
    } else {
      engine.addChore(invocations::reconcile);
    }
    engine.addClusterChore(service.locks()::expire);
    engine.addClusterChore(service.scheduler()::fireDue);
    engine.addClusterChore(service.events()::prune);
    // Only kicks: a due pass runs on its own thread, so lease reaping never waits behind it. Every
    // daemon cleans its home's files; the leader alone deletes old tasks from the store.
    this.retention =
        new RetentionRunner(
            config.retention(),
            clock,
            store,
            config.home(),
            invocationStore,
            cluster.leadership()::isLeader);
    engine.addChore(retention::kick);
    handlers.register(
        "file_operation",
        new FileOperationHandler(
            new PathSandbox(config.fileRoots(), List.of(config.home())),
            config.fileMaxReadBytes()));
    handlers.register("coordination", new CoordinationHandler(engine.barriers()));
    Map<String, AgentInvoker> runners = new HashMap<>();
    config.agentRunners().forEach((type, c) -> runners.put(type, new AgentRunner(type, c)::run));
    handlers.register(
        "invoke_agent",
        new InvokeAgentHandler(
            runners,
            invocations,
            config.fileRoots().isEmpty() ? config.home() : config.fileRoots().get(0)));
    config.commands().forEach((type, c) -> handlers.register(type, new CommandHandler(type, c)));
  }

  public static Daemon start(DaemonConfig config) {
    return start(config, Clock.systemUTC());
  }

  /** Locks the home, migrates, registers the daemon agent, recovers, and starts the workers. */
  public static Daemon start(DaemonConfig config, Clock clock) {
    return start(config, clock, storeSettings(config));
  }

  /** As {@link #start(DaemonConfig, Clock)}, on the store {@code storeSettings} names. */
  public static Daemon start(DaemonConfig config, Clock clock, StoreSettings storeSettings) {
    // Before anything is written: the home holds other people's prompts, code and results.
    PrivateHome.prepare(config.home()).log();
    HomeLock lock = HomeLock.acquire(config.home(), config.pidFile());
    Store store = null;
    Cluster cluster = null;
    Daemon daemon = null;
    try {
      SocketSpot.check(SocketPaths.forHome(config.home()));
      store = StoreFactory.open(storeSettings);
      // before recovery, which would take a live namesake's running tasks for our own orphans,
      // and before there is a daemon whose close would sign the namesake off
      refuseTakenName(config, clock, store);
      cluster = Cluster.of(storeSettings, store, clock, config.name(), config.pollInterval());
      daemon = new Daemon(config, clock, lock, store, cluster);
      daemon.registerSelf();
      daemon.engine.recover();
      // one round now: settles invocations that coordd check finished while no daemon ran
      daemon.engine.housekeeper().tick();
      daemon.engine.start(daemon.service);
      daemon.rpc =
          new RpcServer(config.home(), new MethodTable(daemon.service), SocketLimits.of(config));
      // more routes on the same server (the dashboard page, /metrics) join as HttpDoor.ExtraRoutes
      daemon.http =
          HttpDoor.startIfEnabled(
              config,
              daemon.service,
              daemon.engine.notifier(),
              store,
              clock,
              daemon::isRunning,
              List.of(new DashboardRoutes()));
      daemon.inbox = new Inbox(config.home(), daemon.service);
      daemon.inbox.start();
      log.info(
          "coordd '{}' running on {} (handlers: {})",
          config.name(),
          config.home(),
          daemon.engine.handlers().types());
      return daemon;
    } catch (IOException e) {
      daemon.close();
      throw new CoorddException(
          "socket", "cannot listen on the socket of " + config.home() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (daemon != null) {
        daemon.close();
      } else {
        closeAfterFailedStart(store, cluster, lock);
      }
      throw e;
    }
  }

  /** The store the configuration names (the SQLite file in the home unless {@code store} says). */
  static StoreSettings storeSettings(DaemonConfig config) {
    StoreConfig store = config.store();
    return switch (store.kind()) {
      case SQLITE ->
          StoreSettings.sqlite(
              config.database(), config.synchronous().name(), config.busyTimeout());
      case POSTGRES ->
          StoreSettings.postgres(
              store.url(), store.pool().maxSize(), store.pool().connectionTimeout());
    };
  }

  private static void closeAfterFailedStart(Store store, Cluster cluster, HomeLock lock) {
    if (cluster != null) {
      cluster.close();
    }
    if (store != null) {
      store.close();
    }
    lock.close();
  }

  private static void refuseTakenName(DaemonConfig config, Clock clock, Store store) {
    long now = clock.millis();
    AgentStore agents =
        new AgentStore(
            store.sql(), config.staleAfter().toMillis(), config.offlineAfter().toMillis());
    NameCheck.refuseIfTaken(
        store.read(tx -> agents.get(tx, config.name(), now)), config.home(), now);
  }

  private void registerSelf() {
    ObjectNode metadata = Json.MAPPER.createObjectNode();
    metadata.put("pid", ProcessHandle.current().pid());
    metadata.put("host", HostName.get());
    metadata.put("home", config.home().toString());
    service.registerAgent(
        new AgentRegistration(
            config.name(), "daemon", new ArrayList<>(engine.handlers().types()), metadata));
  }

  /** Adds or replaces the handler for a task type; the daemon claims that type from now on. */
  public void registerHandler(String type, TaskHandler handler) {
    engine.handlers().register(type, handler);
    registerSelf();
    engine.dispatcher().wake();
  }

  public CoordinationService service() {
    return service;
  }

  public DaemonConfig config() {
    return config;
  }

  /** The engine's parts, for tests that step the clock and run one housekeeping round. */
  public Engine engine() {
    return engine;
  }

  /** Retention of finished work, for tests that step the clock and run a pass. */
  public RetentionRunner retention() {
    return retention;
  }

  /** The HTTP door, or null when {@code http.enabled} is off. */
  public HttpDoor http() {
    return http;
  }

  public boolean isRunning() {
    return running.get();
  }

  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    log.info("coordd '{}' stopping", config.name());
    try {
      if (http != null) {
        http.close(); // first: browsers and scripts see the door close before anything else stops
      }
      retention.close(); // a pass in progress stops at its next batch, before the store closes
      if (inbox != null) {
        inbox.close();
      }
      if (rpc != null) {
        rpc.close();
      }
      // claimers, live watchers, inbox readers and lock waiters stop waiting; callers waiting for a
      // task's result are released after the graceful stop, by engine.stop
      engine.notifier().publish(new Change.Stopping());
      engine.stop(config.shutdownGrace());
      service.signOff(config.name());
    } catch (RuntimeException e) {
      log.warn("graceful stop incomplete", e);
    } finally {
      cluster.close(); // steps down: another daemon takes the chores over at once
      store.close();
      lock.close();
    }
    log.info("coordd '{}' stopped", config.name());
  }
}
