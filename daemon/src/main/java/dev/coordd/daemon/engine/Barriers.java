package dev.coordd.daemon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.daemon.store.AgentStore;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.TaskWaits;
import dev.coordd.internal.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code synchronize_agents} barriers on the waiting machinery: the barrier task parks in {@code
 * waiting} on {@code barrier:<name>} (holding no worker), each arrival is stored durably, and the
 * task succeeds the moment the last named agent arrives (everyone waiting on it is released
 * together) or fails when its time is up, naming who never came. Settled on every arrival and in
 * every housekeeping round, so a restart loses nothing. Thread-safe.
 */
public final class Barriers {
  public static final String WAIT_KIND = "barrier:";

  private final Store store;
  private final AgentStore agents;
  private final TaskWaits waits;
  private final Clock clock;
  private final ReentrantLock round = new ReentrantLock();
  private Outcomes outcomes;

  Barriers(Store store, AgentStore agents, TaskWaits waits, Clock clock) {
    this.store = store;
    this.agents = agents;
    this.waits = waits;
    this.clock = clock;
  }

  void outcomes(Outcomes outcomes) {
    this.outcomes = outcomes;
  }

  public void arrive(String barrier, String agent) {
    long now = clock.millis();
    store
        .writer()
        .execute(
            tx -> {
              agents.arrive(tx, barrier, agent, now);
              return null;
            });
    settle();
  }

  /**
   * A task just parked (null: it had lost the task): if on a barrier, settle now, since everyone
   * may have arrived before it ran or while its handler was looking.
   */
  void parked(Task task) {
    if (task != null && task.waitingFor() != null && task.waitingFor().startsWith(WAIT_KIND)) {
      settle();
    }
  }

  public List<String> arrived(String barrier) {
    return store.read(tx -> agents.arrivals(tx, barrier));
  }

  /** The agents a barrier task names, in order. */
  public static Set<String> expected(JsonNode data) {
    Set<String> expected = new LinkedHashSet<>();
    data.path("agents").forEach(a -> expected.add(a.asText()));
    return expected;
  }

  /** The result of a released barrier. */
  private ObjectNode released(String barrier, Set<String> expected) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("action", "synchronize_agents").put("barrier", barrier);
    result.set("agents", Json.MAPPER.valueToTree(expected));
    result.put("releasedAt", clock.millis());
    return result;
  }

  /** Releases complete barriers and fails expired ones. */
  public void settle() {
    round.lock();
    try {
      long now = clock.millis();
      for (Task t : store.read(tx -> waits.waitingFor(tx, WAIT_KIND))) {
        String barrier = t.waitingFor().substring(WAIT_KIND.length());
        Set<String> expected = expected(t.data());
        List<String> arrived = arrived(barrier);
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(arrived);
        if (missing.isEmpty()) {
          String result = Json.write(released(barrier, expected));
          end(t, barrier, result, null, now);
        } else if (t.waitUntil() != null && now >= t.waitUntil()) {
          TaskError error =
              new TaskError(
                  "barrier '"
                      + barrier
                      + "' timed out: still waiting for "
                      + missing
                      + "; arrived: "
                      + arrived.stream().filter(expected::contains).toList(),
                  "timeout",
                  t.attempts());
          end(t, barrier, null, error, now);
        }
      }
    } finally {
      round.unlock();
    }
  }

  /** Ends the barrier task and forgets its arrivals, so the name starts afresh next time. */
  private void end(Task waiting, String barrier, String result, TaskError error, long now) {
    outcomes.after(
        store
            .writer()
            .execute(
                tx -> {
                  Task ended = waits.endWait(tx, waiting, result, error, "barrier", now);
                  if (ended != null) {
                    agents.clearArrivals(tx, barrier);
                  }
                  return ended;
                }));
  }
}
