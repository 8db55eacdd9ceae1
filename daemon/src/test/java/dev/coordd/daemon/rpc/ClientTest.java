package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.ConflictException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.api.UnavailableException;
import dev.coordd.client.CoorddClient;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against a real daemon over its real socket. */
class ClientTest {
  @TempDir Path dir;

  private Daemon start(Path home) {
    return Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
  }

  @Test
  void every_operation_works_over_the_socket() throws Exception {
    Path home = dir.resolve("home");
    Files.writeString(dir.resolve("data.txt"), "hello");
    try (Daemon d = start(home);
        CoorddClient c = CoorddClient.connect(home)) {
      Task t =
          c.createTask(
              "file_operation",
              "Read it",
              Json.read("{\"operation\":\"read\",\"path\":\"data.txt\"}"),
              NewTask.of("file_operation").withAssignedTo("daemon").withPriority(3));
      Task done = c.awaitResult(t.id(), Duration.ofSeconds(10));
      assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.result().get("content").asText()).isEqualTo("hello");
      assertThat(done.priority()).isEqualTo(3);
      assertThat(c.getTask(t.id()).runs()).hasSize(1);

      c.registerAgent(new AgentRegistration("w", "worker", List.of("build"), null));
      assertThat(c.heartbeat("w").name()).isEqualTo("w");
      Task b = c.createTask(NewTask.of("build").withIdempotencyKey("k1"));
      assertThat(c.createTask(NewTask.of("build").withIdempotencyKey("k1")).id()).isEqualTo(b.id());
      List<Task> claimed = c.claimTasks("w", List.of("build"), 5, 0, null);
      assertThat(claimed).extracting(Task::id).containsExactly(b.id());
      String token = claimed.getFirst().claimToken();
      c.renewLease(b.id(), "w", token);
      Task failed = c.failTask(b.id(), "w", token, "compiler crashed");
      assertThat(failed.status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(failed.error().message()).isEqualTo("compiler crashed");
      c.cancelTask(b.id());
      assertThat(c.retryTask(b.id()).status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(c.listTasks(new TaskQuery(TaskStatus.QUEUED, "build", null, 10))).hasSize(1);
      c.arrive("barrier-1", "w");
      assertThat(c.listAgents()).extracting(a -> a.name()).contains("w", "daemon");
      assertThat(c.stats().coordination().completedTasks()).isEqualTo(1);
      assertThat(c.signOff("w").status().wire()).isEqualTo("offline");

      Task x = c.createTask(NewTask.of("x").withAssignedTo("ext"));
      String xToken = c.claimTasks("ext", List.of("x"), 1, 0, null).getFirst().claimToken();
      assertThat(c.completeTask(x.id(), "ext", xToken, Json.read("{\"ok\":true}")).status())
          .isEqualTo(TaskStatus.SUCCEEDED);
    }
  }

  @Test
  void errors_come_back_as_the_same_exception_types() {
    Path home = dir.resolve("home");
    try (Daemon d = start(home);
        CoorddClient c = CoorddClient.connect(home)) {
      assertThatThrownBy(() -> c.getTask("missing")).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> c.createTask(NewTask.of("x").withAssignedTo("a").withPriority(-1)))
          .isInstanceOf(InvalidRequestException.class)
          .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("priority"));
      Task t = c.createTask(NewTask.of("x").withAssignedTo("a"));
      c.cancelTask(t.id());
      assertThatThrownBy(() -> c.cancelTask(t.id())).isInstanceOf(ConflictException.class);
    }
  }

  @Test
  void an_oversized_request_fails_with_an_error_instead_of_hanging() {
    Path home = dir.resolve("home");
    try (Daemon d = start(home);
        CoorddClient c = CoorddClient.connect(home)) {
      String blob = "x".repeat(1_200_000);
      assertThatThrownBy(
              () ->
                  c.createTask(
                      NewTask.of("x")
                          .withAssignedTo("a")
                          .withData(Json.MAPPER.createObjectNode().put("blob", blob))))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("the limit is 1048576 (maxPayloadBytes)");
      assertThat(c.stats().daemon().running()).isTrue();
    }
  }

  @Test
  void a_long_claim_whose_caller_hung_up_claims_nothing() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon d = start(home)) {
      CoorddClient quitter = CoorddClient.connect(home);
      CompletableFuture.runAsync(
          () -> {
            try {
              quitter.claimTasks("w1", List.of(), 1, 20_000, null);
            } catch (RuntimeException expected) {
              // the connection is closed under it
            }
          });
      Thread.sleep(300);
      quitter.close();
      Thread.sleep(300);
      Task t = d.service().createTask(NewTask.of("x").withAssignedTo("w1"));
      Thread.sleep(300);
      assertThat(d.service().getTask(t.id()).status()).isEqualTo(TaskStatus.QUEUED);
    }
  }

  @Test
  void connecting_without_a_daemon_says_how_to_start_one() {
    assertThatThrownBy(() -> CoorddClient.connect(dir.resolve("nowhere")))
        .isInstanceOf(DaemonNotRunningException.class)
        .hasMessageContaining("no coordd daemon is running")
        .hasMessageContaining("coordd daemon --home");
  }

  @Test
  void a_socket_file_left_by_a_killed_daemon_is_replaced() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path socket = SocketPaths.forHome(home);
    // what kill -9 leaves behind: the file, with nobody listening
    ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    dead.bind(UnixDomainSocketAddress.of(socket));
    dead.close();
    assertThat(socket).exists();
    assertThatThrownBy(() -> CoorddClient.connect(home))
        .isInstanceOf(DaemonNotRunningException.class);
    try (Daemon d = start(home);
        CoorddClient c = CoorddClient.connect(home)) {
      assertThat(c.stats().daemon().running()).isTrue();
    }
  }

  @Test
  void a_home_deeper_than_the_socket_path_limit_still_works() throws Exception {
    Path home = dir;
    while (home.toString().length() < 150) {
      home = home.resolve("a-rather-long-folder-name");
    }
    try (Daemon d = start(home);
        CoorddClient c = CoorddClient.connect(home)) {
      assertThat(c.stats().daemon().running()).isTrue();
      assertThat(SocketPaths.forHome(home).toString().length()).isLessThan(108);
    }
    assertThat(SocketPaths.forHome(home)).doesNotExist();
  }

  @Test
  void a_waiting_client_is_released_when_the_daemon_stops() throws Exception {
    Path home = dir.resolve("home");
    Daemon d = start(home);
    try (CoorddClient c = CoorddClient.connect(home)) {
      Task t = c.createTask(NewTask.of("x").withAssignedTo("nobody"));
      CompletableFuture<Throwable> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  c.awaitTask(t.id(), 600_000);
                  return null;
                } catch (RuntimeException e) {
                  return e;
                }
              });
      Thread.sleep(200);
      d.close();
      Throwable outcome = waiting.get(10, TimeUnit.SECONDS);
      assertThat(outcome).isInstanceOf(UnavailableException.class);
    } finally {
      d.close();
    }
  }
}
