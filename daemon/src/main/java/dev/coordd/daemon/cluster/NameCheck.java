package dev.coordd.daemon.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.ConflictException;
import dev.coordd.daemon.config.HostName;
import java.nio.file.Path;

/**
 * Refuses to start a daemon under a name another live daemon uses. On a shared store two daemons
 * with one name would renew, reap and recover each other's tasks as their own. A daemon is known by
 * the {@code host}, {@code home} and {@code pid} it records in its agent metadata.
 */
public final class NameCheck {
  private NameCheck() {}

  /**
   * Throws when {@code existing} (the registry's entry under our name, or null) is a daemon that
   * beats and is not a previous process of this one. Same host and home: the home's lock proved the
   * previous process dead. Same host, other home: alive if its pid is. Other host: alive while its
   * heartbeat is recent.
   */
  public static void refuseIfTaken(Agent existing, Path home, long now) {
    if (existing == null || existing.status() != AgentStatus.ACTIVE) {
      return;
    }
    JsonNode meta = existing.metadata();
    if (meta == null || !"daemon".equals(existing.kind()) || !meta.hasNonNull("host")) {
      return; // an entry from before hosts were recorded, or not a daemon: nothing to compare
    }
    String host = meta.path("host").asText();
    String otherHome = meta.path("home").asText();
    long pid = meta.path("pid").asLong(-1);
    if (host.equals(HostName.get())) {
      if (otherHome.equals(home.toString())) {
        return;
      }
      boolean alive =
          pid != ProcessHandle.current().pid()
              && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (!alive) {
        return;
      }
    }
    throw new ConflictException(
        "another daemon named '"
            + existing.name()
            + "' is running (host "
            + host
            + ", home "
            + otherHome
            + ", pid "
            + pid
            + ", last heartbeat "
            + Math.max(0, now - existing.lastHeartbeat()) / 1000
            + " s ago). Daemons sharing a store need one name each: set another with --name or"
            + " name in the configuration, or stop that daemon. If it died, its entry goes stale"
            + " after three missed heartbeats and this name is free again.");
  }
}
