package dev.coordd.daemon.service;

import dev.coordd.api.Agent;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.Stats;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.engine.Engine;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The daemon's summary: who it is and for how long it has run, how many agents are in each state,
 * how many tasks in each status. Thread-safe: it holds only final references and reads the store.
 */
final class StatsReader {
  private final Engine engine;
  private final DaemonConfig config;
  private final Clock clock;
  private final AgentRegistry agents;
  private final BooleanSupplier running;
  private final long startedAt;

  /** Uptime counts from this construction, which is the daemon's. */
  StatsReader(Engine engine, AgentRegistry agents, BooleanSupplier running) {
    this.engine = engine;
    this.config = engine.config();
    this.clock = engine.clock();
    this.agents = agents;
    this.running = running;
    this.startedAt = clock.millis();
  }

  Stats read() {
    long now = clock.millis();
    List<Agent> all = agents.list();
    Map<TaskStatus, Long> counts = engine.store().read(engine.tasks()::countByStatus);
    String agentId =
        all.stream()
            .filter(a -> a.name().equals(config.name()))
            .map(Agent::id)
            .findFirst()
            .orElse(null);
    return new Stats(
        new Stats.Daemon(config.name(), agentId, (now - startedAt) / 1000, running.getAsBoolean()),
        new Stats.Agents(
            all.size(),
            count(all, AgentStatus.ACTIVE),
            count(all, AgentStatus.STALE),
            count(all, AgentStatus.OFFLINE)),
        new Stats.Coordination(
            counts.get(TaskStatus.QUEUED),
            counts.get(TaskStatus.RUNNING),
            counts.get(TaskStatus.WAITING),
            counts.get(TaskStatus.SUCCEEDED),
            counts.get(TaskStatus.FAILED),
            counts.get(TaskStatus.CANCELLED)));
  }

  private static int count(List<Agent> agents, AgentStatus status) {
    return (int) agents.stream().filter(a -> a.status() == status).count();
  }
}
