package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coordd.api.CoorddException;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.fs.PrivateHome;
import dev.coordd.internal.Owners;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The home is private whatever the umask, loose homes are tightened, others' homes refused. */
class PrivateHomeTest {
  @TempDir Path dir;

  static final int NOBODY = 65534;

  static Map<String, String> modes(Path home) throws IOException {
    Map<String, String> modes = new TreeMap<>();
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String name = home.relativize(p).toString();
        try {
          modes.put(
              name.isEmpty() ? "." : name,
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
        } catch (NoSuchFileException e) {
          // renamed away meanwhile
        }
      }
    }
    return modes;
  }

  static void assertAllPrivate(Path home) throws IOException {
    Map<String, String> modes = modes(home);
    modes.forEach(
        (name, mode) -> {
          boolean folder = Files.isDirectory(home.resolve(name), LinkOption.NOFOLLOW_LINKS);
          assertThat(mode)
              .as("%s %s in %s", folder ? "folder" : "file", name, modes)
              .isEqualTo(folder ? "rwx------" : "rw-------");
        });
  }

  static boolean root() {
    return Owners.currentUid() == 0;
  }

  @Test
  void a_daemon_in_its_own_jvm_under_umask_000_keeps_every_file_0600_and_folder_0700()
      throws Exception {
    Path home = dir.resolve("home");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                "sh",
                "-c",
                "umask 000; exec \"$@\"",
                "sh",
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashingDaemonMain.class.getName(),
                home.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean running = false;
      while (!running && (line = out.readLine()) != null) {
        running = line.startsWith("RUNNING ");
      }
      assertThat(running).as("the child created tasks and ran one").isTrue();
      assertThat(modes(home))
          .containsKeys("coordd.db", "coordd.db-wal", "coordd.db-shm", "coordd.lock", "coordd.pid");
      assertAllPrivate(home);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void a_home_left_0777_with_0666_files_is_tightened_at_start() throws Exception {
    Path home = dir.resolve("home");
    DaemonConfig config = ConfigLoader.load(home, Map.of(), Map.of());
    Daemon.start(config).close();
    Path script = Files.writeString(home.resolve("hook.sh"), "#!/bin/sh\n");
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

    try (Daemon d = Daemon.start(config)) {
      assertThat(Files.getPosixFilePermissions(script))
          .as("not coordd's: left as it is, behind the home's 0700")
          .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.delete(script);
      assertAllPrivate(home);
    }
  }

  @Test
  void a_home_of_another_user_is_refused_saying_whose_it_is_and_nothing_is_written_in_it()
      throws Exception {
    assumeTrue(root(), "needs root to give a folder to another user (chown nobody)");
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.setAttribute(home, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    DaemonConfig config = ConfigLoader.load(home, Map.of(), Map.of());

    assertThatThrownBy(() -> Daemon.start(config))
        .isInstanceOf(CoorddException.class)
        .hasMessageContaining("belongs to uid " + NOBODY)
        .hasMessageContaining("not to you (uid 0")
        .hasMessageContaining("--home")
        .hasMessageContaining("chown -R 0 " + home.toRealPath());
    try (Stream<Path> inside = Files.list(home)) {
      assertThat(inside).as("nothing written into another user's home").isEmpty();
    }
  }

  @Test
  void a_link_to_a_folder_of_another_user_is_refused_too() throws Exception {
    assumeTrue(root(), "needs root to give a folder to another user (chown nobody)");
    Path theirs = Files.createDirectories(dir.resolve("theirs"));
    Files.setAttribute(theirs, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    Path home = Files.createSymbolicLink(dir.resolve("home"), theirs);

    assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(home, Map.of(), Map.of())))
        .isInstanceOf(CoorddException.class)
        .hasMessageContaining("belongs to uid " + NOBODY);
  }

  @Test
  void a_folder_at_the_socket_path_stops_the_start_saying_what_is_there_and_how_to_clear_it()
      throws Exception {
    Path home = dir.resolve("home");
    Path socket = SocketPaths.forHome(home);
    Files.createDirectories(socket.resolve("something"));
    DaemonConfig config = ConfigLoader.load(home, Map.of(), Map.of());

    assertThatThrownBy(() -> Daemon.start(config))
        .isInstanceOf(CoorddException.class)
        .hasMessageContaining("cannot listen on " + socket + ": a folder is there")
        .hasMessageContaining("rm -r " + socket);
    assertThat(socket.resolve("something")).as("left as it was").isDirectory();
    assertThat(config.pidFile()).as("the refused start let go of the home").doesNotExist();

    Files.delete(socket.resolve("something"));
    Files.delete(socket);
    try (Daemon d = Daemon.start(config)) {
      assertThat(d.isRunning()).isTrue();
    }
  }

  @Test
  void files_of_another_user_inside_the_home_are_left_alone_and_reported() throws Exception {
    assumeTrue(root(), "needs root to give a file to another user (chown nobody)");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path theirs = Files.writeString(home.resolve("config.json"), "{}");
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setAttribute(theirs, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

    List<String> leftAlone = new ArrayList<>(PrivateHome.prepare(home).leftAlone());

    assertThat(leftAlone).singleElement().asString().contains("config.json (belongs to uid 65534");
    assertThat(Files.getPosixFilePermissions(theirs))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
  }
}
