package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoorddException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.store.Ids;
import dev.coordd.daemon.store.InvocationRows;
import dev.coordd.daemon.store.Store;
import dev.coordd.internal.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The invocation queue in the store's {@code invocations} table, for a cluster: the daemons of all
 * machines share one PostgreSQL, so a session on any machine lists, takes and finishes the same
 * invocations (the files of {@link InvocationFiles} are per machine). Every state change is one
 * compare-and-set {@code UPDATE} through the store's writer: of racing sessions, on one daemon or
 * several, exactly one changes the row; the others are told who won. Thread-safe.
 */
public final class DatabaseInvocations implements InvocationStore {
  private final Store store;
  private final Clock clock;
  private final Ids ids;
  private final InvocationRows rows = new InvocationRows();

  public DatabaseInvocations(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.ids = new Ids(clock);
  }

  @Override
  public String location() {
    return "the invocations table of the shared store";
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public Invocation create(
      String taskId, String agentType, String command, JsonNode context, Long expiresAt) {
    Invocation inv =
        Invocation.pending(
            ids.next(), taskId, agentType, command, context, clock.millis(), expiresAt);
    store
        .writer()
        .execute(
            tx -> {
              rows.insert(tx, inv);
              return null;
            });
    return inv;
  }

  @Override
  public List<Invocation> pendingInvocations() {
    return store.read(rows::pending);
  }

  @Override
  public Optional<Invocation> openFor(String taskId) {
    return store.read(tx -> rows.openFor(tx, taskId)).stream().findFirst();
  }

  @Override
  public Invocation get(String id) {
    InvocationFiles.checkId(id);
    Invocation inv = store.read(tx -> rows.get(tx, id));
    if (inv == null) {
      throw new NotFoundException("no invocation with id " + id + " in " + location());
    }
    return inv;
  }

  @Override
  public Optional<Invocation> archived(String id) {
    InvocationFiles.checkId(id);
    Invocation inv = store.read(tx -> rows.get(tx, id));
    return inv == null || isOpen(inv) ? Optional.empty() : Optional.of(inv);
  }

  @Override
  public Invocation process(String id, String agent) {
    InvocationFiles.checkId(id);
    long now = clock.millis();
    Invocation taken = store.writer().execute(tx -> rows.take(tx, id, agent, now));
    if (taken == null) {
      throw notPending(id);
    }
    return taken;
  }

  @Override
  public Invocation complete(String id, JsonNode result) {
    return finish(id, Invocation.COMPLETED, result == null ? Json.MAPPER.nullNode() : result, null);
  }

  @Override
  public Invocation fail(String id, String error) {
    return finish(id, Invocation.FAILED, null, error);
  }

  @Override
  public Invocation close(String id, String status, String reason) {
    return finish(id, status, null, reason);
  }

  @Override
  public Invocation closePending(String id, String status, String reason) {
    InvocationFiles.checkId(id);
    long now = clock.millis();
    Invocation done = store.writer().execute(tx -> rows.closePending(tx, id, status, now, reason));
    if (done == null) {
      throw notPending(id);
    }
    return done;
  }

  @Override
  public String where(String id) {
    InvocationFiles.checkId(id);
    Invocation inv = store.read(tx -> rows.get(tx, id));
    return inv == null ? null : isOpen(inv) ? inv.status() : ARCHIVED;
  }

  @Override
  public int cleanup(Duration age, int max) {
    long cutoff = age.isZero() ? Long.MAX_VALUE : clock.millis() - age.toMillis();
    return store.writer().execute(tx -> rows.deleteArchived(tx, cutoff, max));
  }

  private Invocation finish(String id, String status, JsonNode result, String error) {
    InvocationFiles.checkId(id);
    long now = clock.millis();
    Invocation done = store.writer().execute(tx -> rows.finish(tx, id, status, now, result, error));
    if (done == null) {
      throw notPending(id);
    }
    return done;
  }

  private static boolean isOpen(Invocation inv) {
    return Invocation.PENDING.equals(inv.status()) || Invocation.PROCESSING.equals(inv.status());
  }

  /** Why a change found the row in another state: the same words as the files give. */
  private CoorddException notPending(String id) {
    Invocation inv = store.read(tx -> rows.get(tx, id));
    if (inv == null) {
      return new NotFoundException("no invocation with id " + id + " in " + location());
    }
    if (Invocation.PROCESSING.equals(inv.status())) {
      return new ConflictException(
          "invocation "
              + id
              + " is already being processed by "
              + inv.takenBy()
              + " since "
              + Instant.ofEpochMilli(inv.takenAt()));
    }
    return new ConflictException(
        "invocation "
            + id
            + " is already "
            + inv.status()
            + (inv.takenBy() == null ? "" : " (taken by " + inv.takenBy() + ")"));
  }
}
