package dev.coordd.daemon;

import static dev.coordd.daemon.ClaimTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseTest {
  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;

  void start(String... kv) {
    f = new DaemonFixture(dir, settings(kv));
    svc = f.service();
    svc.registerAgent(new AgentRegistration("w", "worker", List.of("work"), null));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void an_expired_lease_returns_the_task_to_the_queue_with_the_attempt_counted() {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    String id = svc.createTask(NewTask.of("work")).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    f.advance(Duration.ofSeconds(29));
    assertThat(svc.getTask(id).status()).isEqualTo(TaskStatus.RUNNING);
    f.advance(Duration.ofSeconds(2));
    Task t = svc.getTask(id);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts()).isEqualTo(1);
    assertThat(t.error().kind()).isEqualTo("lease_expired");
    assertThat(t.error().message()).contains("lease expired");
    assertThat(t.runs()).singleElement().satisfies(r -> assertThat(r.worker()).isEqualTo("w"));
  }

  @Test
  void a_worker_that_lost_its_lease_cannot_complete_the_task() {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    String id = svc.createTask(NewTask.of("work")).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    f.advance(Duration.ofMinutes(1));
    f.advance(Duration.ofMinutes(1)); // past the backoff
    svc.claimTasks("w2", List.of("work"), 1, 0, null);
    assertThatThrownBy(() -> svc.completeTask(id, "w", null, null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("leased to w2");
  }

  @Test
  void after_max_attempts_of_expired_leases_the_task_fails_with_every_error() {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    String id = svc.createTask(NewTask.of("work").withMaxAttempts(2)).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    f.advance(Duration.ofMinutes(1));
    f.advance(Duration.ofMinutes(1));
    assertThat(svc.claimTasks("w", List.of("work"), 1, 0, null)).hasSize(1);
    f.advance(Duration.ofMinutes(1));
    Task t = svc.getTask(id);
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.finishedAt()).isNotNull();
    assertThat(t.runs())
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.error().kind()).isEqualTo("lease_expired"));
  }

  @Test
  void heartbeats_renew_the_leases_of_the_agents_tasks() {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    String id = svc.createTask(NewTask.of("work")).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    for (int i = 0; i < 5; i++) {
      f.advance(Duration.ofSeconds(20));
      svc.heartbeat("w");
    }
    assertThat(svc.getTask(id).status()).isEqualTo(TaskStatus.RUNNING);
    svc.renewLease(id, "w", svc.getTask(id).claimToken());
    assertThatThrownBy(() -> svc.renewLease(id, "someone-else", null))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void a_worker_that_only_renews_its_lease_is_not_reaped_as_stale() {
    start("leaseDuration", "10s", "heartbeatInterval", "1s");
    String id = svc.createTask(NewTask.of("work")).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    for (int i = 0; i < 10; i++) {
      f.advance(Duration.ofSeconds(1));
      svc.renewLease(id, "w", svc.getTask(id).claimToken());
    }
    assertThat(svc.getTask(id).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(svc.getTask(id).leaseOwner()).isEqualTo("w");
  }

  @Test
  void a_stale_agent_loses_its_leases_before_they_expire() {
    start("leaseDuration", "10m", "heartbeatInterval", "10s");
    String id = svc.createTask(NewTask.of("work")).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    f.advance(Duration.ofSeconds(20));
    assertThat(svc.getTask(id).status()).isEqualTo(TaskStatus.RUNNING);
    f.advance(Duration.ofSeconds(11)); // three missed beats
    assertThat(agentStatus("w")).isEqualTo(AgentStatus.STALE);
    Task t = svc.getTask(id);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.error().message()).contains("went stale");
  }

  @Test
  void agent_status_goes_active_stale_offline_and_back() {
    start("heartbeatInterval", "10s", "offlineAfter", "5m");
    assertThat(agentStatus("w")).isEqualTo(AgentStatus.ACTIVE);
    f.advance(Duration.ofSeconds(31));
    assertThat(agentStatus("w")).isEqualTo(AgentStatus.STALE);
    f.advance(Duration.ofMinutes(5));
    assertThat(agentStatus("w")).isEqualTo(AgentStatus.OFFLINE);
    svc.heartbeat("w");
    assertThat(agentStatus("w")).isEqualTo(AgentStatus.ACTIVE);
    svc.signOff("w");
    assertThat(agentStatus("w")).isEqualTo(AgentStatus.OFFLINE);
    // the daemon beats for itself in every housekeeping round
    assertThat(agentStatus("daemon")).isEqualTo(AgentStatus.ACTIVE);
  }

  private AgentStatus agentStatus(String name) {
    return svc.listAgents().stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow()
        .status();
  }
}
