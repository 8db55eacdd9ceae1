package dev.coordd.daemon;

import static dev.coordd.daemon.ClaimTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attempt tokens, roles and per-kind leases, through the Java client over the daemon's real socket:
 * what two sessions of one role, or a forgetful agent, can and cannot do.
 */
class ClaimTokensTest {
  @TempDir Path dir;
  DaemonFixture f;
  CoorddClient c;

  void start(String... kv) {
    f = new DaemonFixture(dir, settings(kv));
    c = CoorddClient.connect(f.home);
  }

  @AfterEach
  void stop() {
    if (c != null) {
      c.close();
    }
    f.close();
  }

  @Test
  void complete_needs_the_claims_token_and_says_where_to_find_it() {
    start();
    String id = c.createTask(NewTask.of("review").withAssignedTo("alice")).id();
    Task claimed = c.claimTasks("alice", List.of(), 1, 0, null).getFirst();
    assertThat(claimed.claimToken()).matches("[0-9a-f]{10}");
    assertThat(c.getTask(id).claimToken()).isEqualTo(claimed.claimToken()); // task show has it

    assertThatThrownBy(() -> c.completeTask(id, "alice", null, null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("task " + id + ": pass the claim token (--token / token)")
        .hasMessageContaining("`coordd task show " + id + "` prints it");
    assertThatThrownBy(() -> c.failTask(id, "alice", "0000000000", "broken"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("attempt 1 belongs to another claim by alice");
    assertThatThrownBy(() -> c.renewLease(id, "alice", ""))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(c.getTask(id).status()).isEqualTo(TaskStatus.RUNNING);

    Task done = c.completeTask(id, "alice", claimed.claimToken(), Json.read("{\"ok\":true}"));
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(c.getTask(id).claimToken()).as("cleared once not running").isNull();
  }

  @Test
  void each_attempt_gets_a_fresh_token_and_an_old_one_cannot_end_the_new_attempt() {
    start();
    String id = c.createTask(NewTask.of("review").withAssignedTo("alice")).id();
    String first = c.claimTasks("alice", List.of(), 1, 0, null).getFirst().claimToken();
    Task retried = c.failTask(id, "alice", first, "try again");
    assertThat(retried.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(retried.claimToken()).isNull();
    f.advance(Duration.ofMinutes(10)); // past the backoff
    String second = c.claimTasks("alice", List.of(), 1, 0, null).getFirst().claimToken();
    assertThat(second).isNotEqualTo(first);
    assertThatThrownBy(() -> c.completeTask(id, "alice", first, null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("attempt 2 belongs to another claim by alice");
    assertThat(c.completeTask(id, "alice", second, null).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void two_instances_of_a_role_share_its_work_and_never_end_each_others_attempts() {
    start();
    // assigned to the role before any session of it exists
    String one = c.createTask(NewTask.of("review").withAssignedTo("reviewer")).id();
    String two = c.createTask(NewTask.of("review").withAssignedTo("reviewer")).id();
    String elsewhere = c.createTask(NewTask.of("review").withAssignedTo("tester")).id();

    Task a = c.claimTasks("reviewer@a", List.of(), 1, 0, null).getFirst();
    Task b = c.claimTasks("reviewer@b", List.of(), 5, 0, null).getFirst();
    assertThat(List.of(a.id(), b.id())).containsExactlyInAnyOrder(one, two);
    assertThat(c.claimTasks("reviewer@b", List.of(), 5, 0, null)).isEmpty();
    assertThat(c.getTask(elsewhere).status()).isEqualTo(TaskStatus.QUEUED);

    assertThatThrownBy(() -> c.completeTask(a.id(), "reviewer@b", b.claimToken(), null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("leased to reviewer@a, not reviewer@b");
    assertThatThrownBy(() -> c.completeTask(a.id(), "reviewer@b", a.claimToken(), null))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> c.completeTask(a.id(), "reviewer", a.claimToken(), null))
        .as("the role is not its instances")
        .isInstanceOf(ConflictException.class);

    assertThat(c.completeTask(a.id(), "reviewer@a", a.claimToken(), null).status())
        .isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(c.completeTask(b.id(), "reviewer@b", b.claimToken(), null).status())
        .isEqualTo(TaskStatus.SUCCEEDED);

    List<Agent> agents = c.listAgents();
    assertThat(agents)
        .filteredOn(x -> x.name().startsWith("reviewer@"))
        .extracting(Agent::role)
        .containsOnly("reviewer");
    assertThat(agents)
        .filteredOn(x -> x.name().equals("daemon"))
        .extracting(Agent::role)
        .containsOnlyNulls();
  }

  @Test
  void two_sessions_under_one_plain_name_cannot_end_each_others_attempt_with_swapped_tokens() {
    start();
    String x = c.createTask(NewTask.of("review").withAssignedTo("bot")).id();
    String y = c.createTask(NewTask.of("review").withAssignedTo("bot")).id();
    Task first = c.claimTasks("bot", List.of(), 1, 0, null).getFirst(); // session 1
    Task second = c.claimTasks("bot", List.of(), 1, 0, null).getFirst(); // session 2
    assertThat(List.of(first.id(), second.id())).containsExactlyInAnyOrder(x, y);

    assertThatThrownBy(() -> c.completeTask(first.id(), "bot", second.claimToken(), null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("belongs to another claim by bot");
    assertThatThrownBy(() -> c.failTask(second.id(), "bot", first.claimToken(), "not mine"))
        .isInstanceOf(ConflictException.class);
    assertThat(c.getTask(first.id()).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(c.getTask(second.id()).status()).isEqualTo(TaskStatus.RUNNING);

    assertThat(c.completeTask(first.id(), "bot", first.claimToken(), null).status())
        .isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(c.completeTask(second.id(), "bot", second.claimToken(), null).status())
        .isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void a_waiting_instance_is_woken_by_a_task_assigned_to_its_role() throws Exception {
    start();
    var waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try (CoorddClient other = CoorddClient.connect(f.home)) {
                return other.claimTasks("reviewer@w", List.of("nothing"), 1, 60_000, null);
              }
            });
    Thread.sleep(200); // let it reach its wait; a miss only makes the test wait for the poll
    String id = c.createTask(NewTask.of("review").withAssignedTo("reviewer")).id();
    assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS))
        .extracting(Task::id)
        .containsExactly(id);
  }

  @Test
  void the_lease_of_a_claim_comes_from_the_request_then_the_agents_kind_then_the_default() {
    start("leaseDuration", "30s", "leases", "{\"claude_code\": \"30m\"}");
    c.registerAgent(new AgentRegistration("cc@1", "claude_code", List.of(), null));
    c.createTask(NewTask.of("review").withAssignedTo("cc@1"));
    c.createTask(NewTask.of("review").withAssignedTo("cc@1"));
    c.createTask(NewTask.of("review").withAssignedTo("plain"));

    Task byKind = c.claimTasks("cc@1", List.of(), 1, 0, null).getFirst();
    assertThat(byKind.leaseMs()).isEqualTo(Duration.ofMinutes(30).toMillis());
    assertThat(byKind.leaseExpiresAt() - byKind.startedAt()).isEqualTo(byKind.leaseMs());
    Task asked =
        c.claimTasks("cc@1", List.of(), 1, 0, Duration.ofMinutes(45).toMillis()).getFirst();
    assertThat(asked.leaseMs()).isEqualTo(Duration.ofMinutes(45).toMillis());
    Task plain = c.claimTasks("plain", List.of(), 1, 0, null).getFirst();
    assertThat(plain.leaseMs()).isEqualTo(30_000L);
  }

  @Test
  void a_lease_must_be_positive_and_at_most_a_day() {
    start();
    c.createTask(NewTask.of("review").withAssignedTo("alice"));
    assertThatThrownBy(() -> c.claimTasks("alice", List.of(), 1, 0, 0L))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("lease must be from 1ms to 24h");
    assertThatThrownBy(
            () -> c.claimTasks("alice", List.of(), 1, 0, Duration.ofHours(25).toMillis()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("at most 24h");
    assertThat(c.claimTasks("alice", List.of(), 1, 0, Duration.ofHours(24).toMillis())).hasSize(1);
  }

  @Test
  void a_long_lease_survives_a_stale_owner_and_runs_out_by_its_own_length() {
    start("leaseDuration", "30s", "heartbeatInterval", "10s");
    String id = c.createTask(NewTask.of("review").withAssignedTo("thinker")).id();
    c.claimTasks("thinker", List.of(), 1, 0, Duration.ofMinutes(45).toMillis());
    for (int i = 0; i < 44; i++) {
      f.advance(Duration.ofMinutes(1)); // far past the stale window, no beats
    }
    Task held = c.getTask(id);
    assertThat(held.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(held.leaseOwner()).isEqualTo("thinker");
    f.advance(Duration.ofMinutes(2));
    Task back = c.getTask(id);
    assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(back.runs().getLast().error().kind()).isEqualTo("lease_expired");
  }
}
