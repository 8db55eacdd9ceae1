package dev.coordd.daemon.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Task;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.internal.Json;
import java.time.Clock;
import java.util.List;

/**
 * Agents as the API sees them: register (or re-register), heartbeat, sign off and list. A heartbeat
 * also renews the leases of every task the agent runs; registering and signing off are published
 * after their commit, since they change who can run what. Thread-safe: it holds only final
 * references and each operation is one store operation.
 */
final class AgentRegistry {
  private final Engine engine;
  private final Clock clock;
  private final PayloadLimit payloads;

  AgentRegistry(Engine engine, PayloadLimit payloads) {
    this.engine = engine;
    this.clock = engine.clock();
    this.payloads = payloads;
  }

  Agent register(AgentRegistration r) {
    if (r == null) {
      throw new InvalidRequestException(null, "a registration is required");
    }
    String name = Rules.name("name", r.name());
    String kind = r.kind() == null ? "agent" : Rules.name("kind", r.kind());
    List<String> capabilities = r.capabilities() == null ? List.of() : r.capabilities();
    capabilities.forEach(c -> Rules.name("capabilities", c));
    JsonNode metadata = r.metadata() == null ? Json.MAPPER.createObjectNode() : r.metadata();
    String metadataJson = Json.write(metadata);
    payloads.check("metadata", metadataJson);
    long now = clock.millis();
    String newId = engine.ids().next();
    Agent registered =
        engine
            .store()
            .writer()
            .execute(
                tx ->
                    engine
                        .agents()
                        .upsert(
                            tx, newId, name, kind, Json.write(capabilities), metadataJson, now));
    engine.notifier().publish(new Change.AgentChanged(name));
    return registered;
  }

  Agent heartbeat(String name) {
    String agent = Rules.name("name", name);
    long now = clock.millis();
    long defaultLease = engine.config().leaseDuration().toMillis();
    return engine
        .store()
        .writer()
        .execute(
            tx -> {
              Agent a = engine.agents().heartbeat(tx, agent, now);
              if (a == null) {
                throw new NotFoundException("no agent named " + agent + "; register it first");
              }
              // each task by its own lease length: a 45m claim stays a 45m lease
              engine.taskLeases().renewAllOf(tx, agent, now, defaultLease);
              return a;
            });
  }

  Agent signOff(String name) {
    String agent = Rules.name("name", name);
    long now = clock.millis();
    Agent a = engine.store().writer().execute(tx -> engine.agents().signOff(tx, agent, now));
    if (a == null) {
      throw new NotFoundException("no agent named " + agent);
    }
    engine.notifier().publish(new Change.AgentChanged(agent));
    handBack(agent);
    return a;
  }

  /**
   * What a signed-off agent still held goes back to the queue at once (its session ended; nobody
   * will finish it), the attempt counted as for an expired lease and the reason in the run history.
   */
  private void handBack(String agent) {
    List<Task> held = engine.store().read(tx -> engine.taskLeases().runningOf(tx, agent));
    for (Task t : held) {
      engine
          .outcomes()
          .fail(t, agent + " signed off while holding it (its session ended)", "signed_off", false);
    }
  }

  List<Agent> list() {
    long now = clock.millis();
    return engine.store().read(tx -> engine.agents().list(tx, now));
  }
}
