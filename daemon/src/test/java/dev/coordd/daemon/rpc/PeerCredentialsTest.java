package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The socket's mode keeps other users out; the peer-credential check is the second lock. Here the
 * first is opened on purpose (folder and socket made world-accessible) and a real process running
 * as another user ({@code nobody}, via setpriv) connects: it must get no answer.
 */
class PeerCredentialsTest {
  static final String PEER =
      """
      import java.io.*;
      import java.net.*;
      import java.nio.channels.*;
      import java.nio.charset.StandardCharsets;
      public class Peer {
        public static void main(String[] a) throws Exception {
          try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(a[0]));
            OutputStream out = Channels.newOutputStream(ch);
            out.write("{\\"jsonrpc\\":\\"2.0\\",\\"id\\":1,\\"method\\":\\"stats\\"}\\n"
                .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                StandardCharsets.UTF_8)).readLine();
            System.out.println(line == null ? "CLOSED" : "ANSWER " + line);
          } catch (IOException e) {
            System.out.println("CLOSED " + e.getMessage());
          }
        }
      }
      """;

  @Test
  void a_process_of_another_user_gets_no_answer_even_through_an_open_socket() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    assumeTrue(
        root && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs root and setpriv to run a peer as another user");
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "coordd-peer-");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path home = dir.resolve("home");
      Path peer = Files.writeString(dir.resolve("Peer.java"), PEER);
      try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
        Path socket = SocketPaths.forHome(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        String java = ProcessHandle.current().info().command().orElseThrow();

        assertThat(run(java, peer, socket, false)).as("the owner is answered").startsWith("ANSWER");
        assertThat(run(java, peer, socket, true)).as("another user is not").startsWith("CLOSED");
        assertThat(d.service().stats().daemon().running()).isTrue();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String run(String java, Path peer, Path socket, boolean asNobody)
      throws Exception {
    ProcessBuilder pb =
        asNobody
            ? new ProcessBuilder(
                "/usr/bin/setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                java,
                peer.toString(),
                socket.toString())
            : new ProcessBuilder(java, peer.toString(), socket.toString());
    pb.environment().put("HOME", "/tmp");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.lines().reduce((a, b) -> b).orElse("");
  }
}
