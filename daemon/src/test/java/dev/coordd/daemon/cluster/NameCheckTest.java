package dev.coordd.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.ConflictException;
import dev.coordd.daemon.config.HostName;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may start under a name already in the registry. */
class NameCheckTest {
  static final Path HOME = Path.of("/srv/coordd/home");
  static final long NOW = 1_000_000;

  static Agent daemon(String host, String home, long pid, AgentStatus status) {
    ObjectNode meta = Json.MAPPER.createObjectNode();
    meta.put("host", host).put("home", home).put("pid", pid);
    return new Agent(
        "id1", "daemon@x", null, "daemon", List.of(), meta, status, NOW - 60_000, NOW - 2_000);
  }

  @Test
  void a_live_daemon_of_that_name_on_another_host_is_refused_with_what_to_do() {
    assertThatThrownBy(
            () ->
                NameCheck.refuseIfTaken(
                    daemon("elsewhere", "/other", 42, AgentStatus.ACTIVE), HOME, NOW))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("another daemon named 'daemon@x' is running (host elsewhere")
        .hasMessageContaining("last heartbeat 2 s ago")
        .hasMessageContaining("--name");
  }

  @Test
  void a_previous_process_of_this_home_is_no_obstacle() {
    assertThatCode(
            () ->
                NameCheck.refuseIfTaken(
                    daemon(HostName.get(), HOME.toString(), 999_999_999, AgentStatus.ACTIVE),
                    HOME,
                    NOW))
        .doesNotThrowAnyException();
  }

  @Test
  void a_dead_process_on_this_host_is_no_obstacle_a_live_one_is() {
    long dead = Long.MAX_VALUE / 2; // no such pid
    assertThatCode(
            () ->
                NameCheck.refuseIfTaken(
                    daemon(HostName.get(), "/other/home", dead, AgentStatus.ACTIVE), HOME, NOW))
        .doesNotThrowAnyException();
    long alive = ProcessHandle.current().parent().orElseThrow().pid();
    assertThatThrownBy(
            () ->
                NameCheck.refuseIfTaken(
                    daemon(HostName.get(), "/other/home", alive, AgentStatus.ACTIVE), HOME, NOW))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void a_stale_or_signed_off_namesake_is_no_obstacle() {
    for (AgentStatus s : List.of(AgentStatus.STALE, AgentStatus.OFFLINE)) {
      assertThatCode(() -> NameCheck.refuseIfTaken(daemon("elsewhere", "/other", 42, s), HOME, NOW))
          .doesNotThrowAnyException();
    }
    assertThatCode(() -> NameCheck.refuseIfTaken(null, HOME, NOW)).doesNotThrowAnyException();
  }
}
