package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.UnavailableException;
import dev.coordd.client.RpcConnection;
import dev.coordd.client.SocketPaths;
import dev.coordd.internal.Owners;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client talks only to a daemon of its own user: a socket of another uid is refused before
 * connecting, and a listener of another uid behind a socket file that looks like ours is refused
 * after, on its peer credentials. Numeric uids throughout.
 */
class SocketOwnerTest {
  static final int NOBODY = 65534;

  /** Listens on a[0] as whoever runs it and answers every line as a daemon would. */
  static final String IMPOSTOR =
      """
      import java.io.*;
      import java.net.*;
      import java.nio.channels.*;
      import java.nio.charset.StandardCharsets;
      public class Impostor {
        public static void main(String[] a) throws Exception {
          ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          server.bind(UnixDomainSocketAddress.of(a[0]));
          System.out.println("LISTENING");
          System.out.flush();
          while (true) {
            SocketChannel ch = server.accept();
            Thread.ofVirtual().start(() -> {
              try (ch) {
                BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                while (in.readLine() != null) {
                  out.write("{\\"jsonrpc\\":\\"2.0\\",\\"id\\":1,\\"result\\":{}}\\n"
                      .getBytes(StandardCharsets.UTF_8));
                  out.flush();
                }
              } catch (IOException e) {
                // the client went away
              }
            });
          }
        }
      }
      """;

  @TempDir Path dir;

  @Test
  void a_folder_at_the_socket_path_is_named_as_the_reason_no_daemon_answers() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path socket = SocketPaths.forHome(home);
    Files.createDirectory(socket);

    assertThatThrownBy(() -> RpcConnection.open(home))
        .isInstanceOf(DaemonNotRunningException.class)
        .hasMessageContaining(socket + " is a folder")
        .hasMessageContaining("rm -r " + socket);
  }

  @Test
  void a_socket_owned_by_another_uid_is_refused_before_connecting() throws Exception {
    assumeTrue(Owners.currentUid() == 0, "needs root to give a socket to another user");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path socket = SocketPaths.forHome(home);
    try (ServerSocketChannel planted = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      planted.bind(UnixDomainSocketAddress.of(socket));
      Files.setAttribute(socket, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

      assertThatThrownBy(() -> RpcConnection.open(home))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("refusing the socket " + socket)
          .hasMessageContaining("belongs to uid " + NOBODY)
          .hasMessageContaining("not to you (uid 0");
    }
  }

  @Test
  void a_relocated_socket_in_a_temp_folder_of_another_uid_is_refused() throws Exception {
    assumeTrue(Owners.currentUid() == 0, "needs root to give a folder to another user");
    String tmpdir = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", dir.resolve("tmp").toString());
    try {
      // Too deep for a socket address: its socket moves to $TMPDIR/coordd-<user>/.
      Path home = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("h".repeat(60)));
      Path socket = SocketPaths.forHome(home);
      assertThat(socket.getParent()).isNotEqualTo(home);
      Files.createDirectories(socket.getParent());
      Files.setAttribute(socket.getParent(), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

      assertThatThrownBy(() -> RpcConnection.open(home))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("refusing the socket folder " + socket.getParent())
          .hasMessageContaining("uid " + NOBODY)
          .hasMessageContaining("rm -r " + socket.getParent());
    } finally {
      System.setProperty("java.io.tmpdir", tmpdir);
    }
  }

  @Test
  void a_listener_of_another_uid_behind_a_socket_file_of_ours_is_refused_on_its_credentials()
      throws Exception {
    assumeTrue(
        Owners.currentUid() == 0 && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs root and setpriv to run a listener as another user");
    // Outside the JUnit temp folder: the listener, running as nobody, must reach it.
    Path shared = Files.createTempDirectory(Path.of("/tmp"), "coordd-impostor-");
    Process impostor = null;
    try {
      Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
      Path home = Files.createDirectories(shared.resolve("home"));
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
      Path source = Files.writeString(shared.resolve("Impostor.java"), IMPOSTOR);
      Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
      Path socket = SocketPaths.forHome(home);
      String java = ProcessHandle.current().info().command().orElseThrow();
      ProcessBuilder pb =
          new ProcessBuilder(
              "/usr/bin/setpriv",
              "--reuid=" + NOBODY,
              "--regid=" + NOBODY,
              "--clear-groups",
              java,
              source.toString(),
              socket.toString());
      pb.environment().put("HOME", "/tmp");
      impostor = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(impostor.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("LISTENING");
      assertThat(Owners.uidOf(socket)).isEqualTo(NOBODY);
      // The file now looks like ours; the process behind it is still nobody's.
      Files.setAttribute(socket, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);

      assertThatThrownBy(() -> RpcConnection.open(home))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("refusing the daemon on " + socket)
          .hasMessageContaining("not as you (uid 0");
    } finally {
      if (impostor != null) {
        impostor.destroyForcibly();
        assertThat(impostor.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      try (Stream<Path> files = Files.walk(shared)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
