package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.CoorddException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Stats;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLifecycleTest {
  @TempDir Path dir;

  @Test
  void the_daemon_keeps_its_identity_across_restarts() {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      Agent before = self(f);
      f.restart();
      Agent after = self(f);
      assertThat(after.id()).isEqualTo(before.id());
      assertThat(after.kind()).isEqualTo("daemon");
      assertThat(f.service().stats().daemon().agentId()).isEqualTo(before.id());
    }
  }

  private static Agent self(DaemonFixture f) {
    return f.service().listAgents().stream()
        .filter(a -> a.name().equals("daemon"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void a_second_daemon_on_the_same_home_is_refused_with_the_owner_pid() {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      assertThatThrownBy(() -> Daemon.start(f.config))
          .isInstanceOf(CoorddException.class)
          .hasMessageContaining("coordd is already running")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      // the refused start must not have disturbed the owner
      assertThat(f.service().createTask(NewTask.of("x").withAssignedTo("a")).id()).isNotNull();
    }
  }

  @Test
  void the_pid_file_exists_while_running_and_is_removed_at_stop() throws Exception {
    DaemonFixture f = new DaemonFixture(dir);
    Path pid = f.config.pidFile();
    assertThat(Files.readString(pid).strip())
        .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    f.close();
    assertThat(pid).doesNotExist();
  }

  @Test
  void stats_have_the_original_shape_plus_failed_and_waiting() {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      f.service().createTask(NewTask.of("x").withAssignedTo("a"));
      Stats stats = f.service().stats();
      JsonNode json = Json.MAPPER.valueToTree(stats);
      assertThat(json.at("/daemon/name").asText()).isEqualTo("daemon");
      assertThat(json.at("/daemon/running").asBoolean()).isTrue();
      assertThat(json.at("/daemon/uptime").isNumber()).isTrue();
      assertThat(json.at("/agents/knownAgents").asInt()).isEqualTo(1);
      assertThat(json.at("/coordination/queuedTasks").asLong()).isEqualTo(1);
      assertThat(json.at("/coordination/activeTasks").asLong()).isZero();
      assertThat(json.at("/coordination/completedTasks").asLong()).isZero();
      assertThat(json.has("coordination")).isTrue();
      assertThat(json.at("/coordination").has("failedTasks")).isTrue();
      assertThat(json.at("/coordination").has("waitingTasks")).isTrue();
    }
  }

  @Test
  void the_store_is_in_wal_mode_with_full_sync_by_default() throws Exception {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      assertThat(f.config.synchronous().name()).isEqualTo("FULL");
      assertThat(f.home.resolve("coordd.db-wal")).exists();
    }
  }
}
