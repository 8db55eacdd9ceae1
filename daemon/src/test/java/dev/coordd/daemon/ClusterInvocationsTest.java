package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.ConflictException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.cluster.PgTestSchema;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invocations in a cluster: two daemons, two homes (two machines), one PostgreSQL schema. An
 * invocation queued by one daemon is listed, taken and finished through the other; the leader's
 * reconcile never calls another machine's invocation lost; of racing takes exactly one wins; an
 * invocation nobody takes expires once, by the leader.
 */
@Tag("cluster")
class ClusterInvocationsTest {
  static PgTestSchema db;

  @TempDir Path dir;
  final SettableClock clock = new SettableClock(System.currentTimeMillis());
  final List<Daemon> daemons = new ArrayList<>();

  @BeforeAll
  static void schema() {
    db = PgTestSchema.create(ClusterInvocationsTest.class);
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void empty() throws Exception {
    try (Connection c = db.admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() LIMIT 1")) {
      if (rs.next()) {
        db.database().truncateAll();
      }
    }
  }

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  Daemon member(String name) {
    Map<String, String> s = new HashMap<>();
    s.put("name", name);
    s.put("store.kind", "postgres");
    s.put("store.url", db.url());
    s.put("pollInterval", "1h");
    s.put("invocationExpiry", "1d");
    Daemon d = Daemon.start(ConfigLoader.load(dir.resolve(name), Map.of(), s), clock);
    daemons.add(d);
    return d;
  }

  static Task invoke(Daemon d, String command, String expiry) {
    return d.service()
        .createTask(
            NewTask.of("invoke_agent")
                .withData(
                    Json.read(
                        "{\"agentType\":\"claude\",\"mode\":\"queue\",\"command\":\""
                            + command
                            + "\""
                            + (expiry == null ? "" : ",\"expiry\":\"" + expiry + "\"")
                            + "}")));
  }

  static Task awaitWaiting(Daemon d, String id) throws InterruptedException {
    assertThat(
            ClusterDaemonsTest.eventually(
                () -> d.service().getTask(id).status() == TaskStatus.WAITING))
        .as("task %s waits for its invocation", id)
        .isTrue();
    return d.service().getTask(id);
  }

  static Invocation pendingFor(Daemon d, String taskId) {
    return d.service().listInvocations().stream()
        .filter(i -> i.taskId().equals(taskId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pending invocation for task " + taskId));
  }

  /** Stops the background rounds and moves past the poll interval, so a tick reconciles. */
  void onlyExplicitRounds() {
    daemons.forEach(d -> d.engine().housekeeper().stop());
    clock.step(Duration.ofHours(2));
  }

  @Test
  void an_invocation_queued_on_one_daemon_is_taken_and_finished_through_the_other()
      throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    Task t = invoke(a, "review the patch", null);
    awaitWaiting(a, t.id());
    Invocation inv = pendingFor(b, t.id());
    assertThat(inv.command()).isEqualTo("review the patch");
    // no file on either machine: the shared store holds it
    assertThat(dir.resolve("a/invocations/pending/" + inv.id() + ".json")).doesNotExist();

    Invocation taken = b.service().processInvocation(inv.id(), "claude@b");
    assertThat(taken.status()).isEqualTo(Invocation.PROCESSING);
    assertThat(a.service().listInvocations()).isEmpty();
    b.service().completeInvocation(inv.id(), Json.read("{\"ok\":true}"));

    Task done = a.service().awaitTask(t.id(), ClusterDaemonsTest.SOON_MS);
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.result().get("ok").asBoolean()).isTrue();
    assertThat(done.runs()).last().satisfies(r -> assertThat(r.worker()).isEqualTo("claude@b"));
  }

  @Test
  void the_leaders_reconcile_does_not_call_another_machines_invocation_lost() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    assertThat(a.engine().leadership().isLeader()).isTrue();
    Task onB = invoke(b, "queued on the other machine", null);
    awaitWaiting(b, onB.id());
    onlyExplicitRounds();
    a.engine().housekeeper().tick();
    b.engine().housekeeper().tick();
    Task still = a.service().getTask(onB.id());
    assertThat(still.status()).isEqualTo(TaskStatus.WAITING);
    assertThat(still.error()).isNull();
    assertThat(pendingFor(a, onB.id()).status()).isEqualTo(Invocation.PENDING);
  }

  @Test
  void of_two_sessions_on_two_daemons_taking_one_invocation_exactly_one_wins() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    Task t = invoke(a, "fix the flaky test", null);
    awaitWaiting(a, t.id());
    Invocation inv = pendingFor(a, t.id());
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Object>> takes = new ArrayList<>();
    for (Daemon d : List.of(a, b, a, b)) {
      String agent = "session@" + d.engine().config().name() + "-" + takes.size();
      takes.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                  return d.service().processInvocation(inv.id(), agent);
                } catch (Exception e) {
                  return e;
                }
              }));
    }
    go.countDown();
    List<Object> outcomes = takes.stream().map(CompletableFuture::join).toList();
    assertThat(outcomes.stream().filter(Invocation.class::isInstance)).hasSize(1);
    assertThat(outcomes.stream().filter(o -> !(o instanceof Invocation)))
        .hasSize(3)
        .allSatisfy(
            e ->
                assertThat(e)
                    .isInstanceOf(ConflictException.class)
                    .extracting(x -> ((Exception) x).getMessage())
                    .asString()
                    .contains("already being processed by session@"));
    // and a finish after the winner's is refused the same way
    b.service().failInvocation(inv.id(), "gave up");
    assertThatThrownBy(() -> a.service().completeInvocation(inv.id(), null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already failed");
  }

  @Test
  void an_invocation_nobody_takes_expires_once_and_only_on_the_leader() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    assertThat(b.engine().leadership().isLeader()).isFalse();
    Task t = invoke(b, "nobody will take this", "1m");
    awaitWaiting(b, t.id());
    onlyExplicitRounds();

    b.engine().housekeeper().tick(); // not the leader: no reconcile here
    assertThat(a.service().getTask(t.id()).status()).isEqualTo(TaskStatus.WAITING);

    a.engine().housekeeper().tick();
    Task failed = b.service().getTask(t.id());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo("expired");
    assertThat(failed.error().message()).contains("was not taken within");
    assertThat(a.service().listInvocations()).isEmpty();

    clock.step(Duration.ofHours(2));
    a.engine().housekeeper().tick();
    b.engine().housekeeper().tick();
    Task after = b.service().getTask(t.id());
    assertThat(after.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(after.runs()).hasSize(1);
  }
}
