package dev.coordd.daemon.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** invoke_agent with no runner: the invocation queue, end to end on a real daemon. */
class InvocationQueueTest {
  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;

  @BeforeEach
  void start() {
    f = new DaemonFixture(dir, Map.of("invocationExpiry", "1h"));
    svc = f.service();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Task invoke(String command) {
    return svc.createTask(
        NewTask.of("invoke_agent")
            .withData(
                Json.MAPPER
                    .createObjectNode()
                    .put("agentType", "claude_code")
                    .put("command", command)
                    .set("context", Json.read("{\"repo\":\"/src/app\"}"))));
  }

  private Invocation onlyPending() {
    long until = System.nanoTime() + 10_000_000_000L;
    while (svc.listInvocations().isEmpty() && System.nanoTime() < until) {
      DaemonFixture.sleep(5);
    }
    return svc.listInvocations().get(0);
  }

  @Test
  void a_queued_invocation_keeps_its_task_waiting_until_an_agent_completes_it() throws Exception {
    Task t = invoke("analyze codebase for security issues");
    Task waiting = f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    assertThat(waiting.waitingFor()).isEqualTo("invocation:" + inv.id());
    assertThat(inv.taskId()).isEqualTo(t.id());
    assertThat(inv.command()).isEqualTo("analyze codebase for security issues");
    assertThat(inv.context().get("repo").asText()).isEqualTo("/src/app");

    Path file = f.home.resolve("invocations/pending/" + inv.id() + ".json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");

    CompletableFuture<Task> creator =
        CompletableFuture.supplyAsync(() -> svc.awaitTask(t.id(), 30_000));
    Invocation taken = svc.processInvocation(inv.id(), "claude-1");
    assertThat(taken.status()).isEqualTo("processing");
    assertThat(taken.takenBy()).isEqualTo("claude-1");
    assertThat(svc.listInvocations()).isEmpty();
    svc.completeInvocation(inv.id(), Json.read("{\"findings\":[]}"));

    Task done = creator.get();
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.result().has("findings")).isTrue();
    assertThat(svc.getTask(t.id()).runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.worker()).isEqualTo("claude-1");
              assertThat(r.outcome()).isEqualTo("succeeded");
            });
    assertThat(f.home.resolve("invocations/archive/" + inv.id() + ".json")).exists();
  }

  @Test
  void of_many_sessions_racing_to_process_one_invocation_exactly_one_wins() throws Exception {
    invoke("fix the flaky test");
    Invocation inv = onlyPending();
    int racers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Object>> results = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      String agent = "session-" + i;
      results.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                  return svc.processInvocation(inv.id(), agent);
                } catch (Exception e) {
                  return e;
                }
              }));
    }
    go.countDown();
    List<Object> outcomes = results.stream().map(CompletableFuture::join).toList();
    List<Invocation> winners =
        outcomes.stream().filter(Invocation.class::isInstance).map(Invocation.class::cast).toList();
    assertThat(winners).hasSize(1);
    assertThat(outcomes.stream().filter(ConflictException.class::isInstance))
        .hasSize(racers - 1)
        .allSatisfy(
            e -> assertThat(((Exception) e).getMessage()).contains("already being processed"));
  }

  @Test
  void an_invocation_nobody_takes_in_time_fails_its_task_and_leaves_the_queue() {
    Task t = invoke("write docs");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    f.advance(Duration.ofMinutes(59));
    assertThat(svc.getTask(t.id()).status()).isEqualTo(TaskStatus.WAITING);
    f.advance(Duration.ofMinutes(2));
    Task failed = svc.getTask(t.id());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo("expired");
    assertThat(failed.error().message()).contains("was not taken within 1h");
    assertThat(svc.listInvocations()).isEmpty();
    assertThatThrownBy(() -> svc.processInvocation(inv.id(), "late"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already expired");
  }

  @Test
  void an_invocation_an_agent_took_does_not_expire_under_it() {
    Task t = invoke("long work");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    svc.processInvocation(inv.id(), "slow-agent");
    f.advance(Duration.ofHours(2)); // well past the 1h expiry
    assertThat(svc.getTask(t.id()).status()).isEqualTo(TaskStatus.WAITING);
    svc.completeInvocation(inv.id(), Json.read("{\"late\":\"but done\"}"));
    assertThat(svc.getTask(t.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void a_task_whose_invocation_file_was_deleted_fails_instead_of_waiting_forever()
      throws Exception {
    Task t = invoke("lost");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    Files.delete(f.home.resolve("invocations/pending/" + inv.id() + ".json"));
    f.advance(Duration.ofSeconds(6));
    Task failed = svc.getTask(t.id());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo("invocation_lost");
    assertThat(failed.error().message()).contains("is gone");
  }

  @Test
  void failing_an_invocation_fails_its_task_with_the_agents_error() {
    Task t = invoke("impossible");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    svc.processInvocation(inv.id(), "claude-2");
    svc.failInvocation(inv.id(), "the repository does not build");
    Task failed = svc.getTask(t.id());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().message()).isEqualTo("the repository does not build");
    assertThat(failed.runs()).extracting(TaskRun::worker).containsExactly("claude-2");
  }

  @Test
  void cancelling_a_waiting_task_withdraws_its_invocation() {
    Task t = invoke("never mind");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    svc.cancelTask(t.id());
    assertThat(svc.listInvocations()).isEmpty();
    assertThat(new InvocationFiles(f.home, Clock.systemUTC()).get(inv.id()).status())
        .isEqualTo("cancelled");
  }

  @Test
  void what_check_completed_while_no_daemon_ran_is_settled_at_start() {
    Task t = invoke("offline work");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    f.daemon.close();
    InvocationFiles files = new InvocationFiles(f.home, Clock.systemUTC());
    files.process(inv.id(), "night-session");
    files.complete(inv.id(), Json.read("{\"done\":true}"));
    f.daemon = Daemon.start(f.config, f.clock);
    Task done = svc().getTask(t.id());
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.result().get("done").asBoolean()).isTrue();
  }

  private CoordinationService svc() {
    return f.daemon.service();
  }

  @Test
  void an_invocation_caught_mid_finish_in_the_archive_does_not_fail_its_task() throws Exception {
    Task t = invoke("careful");
    f.awaitStatus(t.id(), TaskStatus.WAITING);
    Invocation inv = onlyPending();
    svc.processInvocation(inv.id(), "claude-3");
    // What a finisher leaves between its rename into the archive and the rewrite with the result.
    Files.move(
        f.home.resolve("invocations/processing/" + inv.id() + ".json"),
        f.home.resolve("invocations/archive/" + inv.id() + ".json"));
    f.advance(Duration.ofSeconds(6)); // past the poll interval: a round reconciles the archive
    assertThat(svc.getTask(t.id()).status()).isEqualTo(TaskStatus.WAITING);
  }

  @Test
  void invocation_ids_cannot_smuggle_a_path() {
    for (String bad : List.of("../../etc/passwd", "a/b", ".hidden", "", "x".repeat(100))) {
      assertThatThrownBy(() -> svc.processInvocation(bad, "a"))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> svc.completeInvocation(bad, null))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void mode_run_without_a_runner_is_refused_at_creation() {
    assertThatThrownBy(
            () ->
                svc.createTask(
                    NewTask.of("invoke_agent")
                        .withData(
                            Json.read(
                                "{\"agentType\":\"claude_code\",\"command\":\"x\",\"mode\":\"run\"}"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("needs a runner for agent type 'claude_code'");
  }

  @Test
  void cleanup_deletes_archived_invocations_by_age_and_zero_means_all() {
    InvocationFiles files = new InvocationFiles(f.home, f.clock);
    Invocation old = files.create("t1", "claude_code", "a", null, null);
    files.complete(old.id(), null);
    f.clock.step(Duration.ofDays(10));
    Invocation recent = files.create("t2", "claude_code", "b", null, null);
    files.fail(recent.id(), "no");
    assertThat(files.cleanup(Duration.ofDays(7))).isEqualTo(1);
    assertThat(files.cleanup(Duration.ZERO)).isEqualTo(1);
    assertThat(files.cleanup(Duration.ZERO)).isZero();
  }
}
