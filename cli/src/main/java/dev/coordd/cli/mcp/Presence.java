package dev.coordd.cli.mcp;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.spec.Rules;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence of an AI agent session, which cannot beat while its model thinks: the {@code coordd
 * mcp} process lives exactly as long as the session, so it beats for every agent the session has
 * spoken as (a heartbeat also renews the leases of what the agent holds), and when the session ends
 * cleanly (its input closes) it signs them off, which hands their claims back to the queue at once.
 * Killed instead, it simply stops beating: the agents go stale and the reaper returns their claims.
 * Thread-safe.
 */
final class Presence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Presence.class);

  private final CoorddTools.Connector connector;
  private final Duration every;
  private final AgentRegistration own;
  private final Set<String> agents = ConcurrentHashMap.newKeySet();
  private final Thread beat;
  private volatile boolean open = true;

  Presence(CoorddTools.Connector connector, Duration every) {
    this(connector, every, null);
  }

  /**
   * With {@code own} (the session instance of {@code coordd mcp --agent}), the session's agent is
   * registered at start, on the beat thread so the server answers at once, and again whenever a
   * beat finds the daemon does not know it (a daemon started after the session, or a new home).
   */
  Presence(CoorddTools.Connector connector, Duration every, AgentRegistration own) {
    this.connector = connector;
    this.every = every;
    this.own = own;
    if (own != null) {
      agents.add(own.name());
    }
    this.beat = Thread.ofPlatform().daemon().name("coordd-mcp-presence").start(this::run);
  }

  /** The session spoke as {@code agent} (a claim, a registration…): keep it present from now on. */
  void saw(String agent) {
    if (Rules.isName(agent)) {
      agents.add(agent);
    }
  }

  private void run() {
    if (own != null) {
      forEachAgent(
          "registration",
          (service, agent) -> {
            if (agent.equals(own.name())) {
              register(service);
            }
          });
    }
    while (open) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      forEachAgent("heartbeat", this::beat);
    }
  }

  private void beat(CoordinationService service, String agent) {
    try {
      service.heartbeat(agent);
    } catch (NotFoundException e) {
      if (own == null || !own.name().equals(agent)) {
        throw e;
      }
      register(service);
    }
  }

  private void register(CoordinationService service) {
    if (open) {
      service.registerAgent(own);
    }
  }

  private interface AgentCall {
    void run(CoordinationService service, String agent);
  }

  private void forEachAgent(String what, AgentCall call) {
    List<String> now = List.copyOf(agents);
    if (now.isEmpty()) {
      return;
    }
    LazyService service = new LazyService(connector);
    try {
      for (String agent : now) {
        try {
          call.run(service.proxy(), agent);
        } catch (CoorddException e) {
          // no daemon just now, or an agent it forgot: the next beat tries again
          log.debug("{} for {} failed: {}", what, agent, e.getMessage());
        }
      }
    } finally {
      service.close();
    }
  }

  /** The session ended: stop beating and sign every agent off (their claims go back at once). */
  @Override
  public void close() {
    open = false;
    beat.interrupt();
    try {
      beat.join(every.toMillis() + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    forEachAgent("sign-off", CoordinationService::signOff);
  }
}
