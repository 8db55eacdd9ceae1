package dev.coordd.api;

/** The original daemon's statistics shape, extended with failed, waiting and cancelled counts. */
public record Stats(Daemon daemon, Agents agents, Coordination coordination) {

  /**
   * @param uptime seconds since start
   */
  public record Daemon(String name, String agentId, long uptime, boolean running) {}

  public record Agents(int knownAgents, int activeAgents, int staleAgents, int offlineAgents) {}

  public record Coordination(
      long queuedTasks,
      long activeTasks,
      long waitingTasks,
      long completedTasks,
      long failedTasks,
      long cancelledTasks) {}
}
