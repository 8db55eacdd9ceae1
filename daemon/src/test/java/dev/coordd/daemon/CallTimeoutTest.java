package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.UnavailableException;
import dev.coordd.client.RpcConnection;
import dev.coordd.client.SocketPaths;
import dev.coordd.internal.Json;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that accepts and never answers (hung, or stopped with SIGSTOP) gives its callers a clear
 * error after the call timeout, not a hang; a call that asks to wait gets its wait on top.
 */
class CallTimeoutTest {
  @TempDir Path dir;
  ServerSocketChannel server;
  final List<SocketChannel> accepted = new ArrayList<>();
  Path home;

  @BeforeEach
  void silentDaemon() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path socket = SocketPaths.forHome(home);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  accepted.add(server.accept()); // reads nothing, answers nothing
                }
              } catch (Exception e) {
                // closed by the test
              }
            });
  }

  @AfterEach
  void close() throws Exception {
    server.close();
    for (SocketChannel ch : accepted) {
      ch.close();
    }
  }

  @Test
  void an_unanswered_call_fails_after_the_timeout_saying_what_to_check() {
    try (RpcConnection rpc = RpcConnection.open(home, Duration.ofMillis(300))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> rpc.call("stats", Json.MAPPER.createObjectNode()))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("did not answer stats within 0.3 s")
          .hasMessageContaining("coordd status");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void a_long_wait_gets_its_wait_on_top_of_the_timeout() {
    try (RpcConnection rpc = RpcConnection.open(home, Duration.ofMillis(200))) {
      ObjectNode params = Json.MAPPER.createObjectNode().put("agent", "a").put("waitMs", 1_000);
      long start = System.nanoTime();
      assertThatThrownBy(() -> rpc.call("claimTasks", params))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("within 1.2 s");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1_200));
    }
  }

  @Test
  void a_timeout_must_be_positive() {
    assertThatThrownBy(() -> RpcConnection.open(home, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
  }
}
