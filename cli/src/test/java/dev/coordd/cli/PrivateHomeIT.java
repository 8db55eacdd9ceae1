package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.cli.Launcher.Run;
import dev.coordd.client.SocketPaths;
import java.io.File;
import java.io.IOException;
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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/coordd} under {@code umask 000}, the daemon and every client: after a task, the inbox
 * (accepted and rejected files), a pending invocation and log lines, every folder in the home is
 * 0700 and every file 0600; a home made 0777 beforehand is tightened at start.
 */
class PrivateHomeIT {
  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  @AfterEach
  void stopLeftovers() throws InterruptedException {
    launcher.close();
  }

  Path home() {
    return dir.resolve("home");
  }

  /** {@code bin/coordd args… --home H} in a shell that first sets umask 000. */
  ProcessBuilder underUmask000(String... args) {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh"));
    cmd.addAll(Launcher.command(home(), args));
    return new ProcessBuilder(cmd);
  }

  Process daemon() throws IOException {
    return launcher.start(
        underUmask000("daemon", "--no-console")
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(dir.resolve("daemon.out").toFile())
            .redirectError(dir.resolve("daemon.err").toFile()));
  }

  Run coordd(String... args) throws Exception {
    return Launcher.finish(launcher.start(underUmask000(args)));
  }

  void awaitUp(Process daemon) throws Exception {
    await(
        "the daemon to answer",
        () -> {
          try {
            assertThat(daemon.isAlive()).as("daemon died: %s", log()).isTrue();
            return Files.exists(SocketPaths.forHome(home()))
                && coordd("stats", "--json").exit() == 0;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  String log() throws IOException {
    Path err = dir.resolve("daemon.err");
    return Files.exists(err) ? Files.readString(err) : "";
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /**
   * Every entry under the home (the home included) with its mode, e.g. {@code logs -> rwx------}.
   */
  Map<String, String> modes() throws IOException {
    Map<String, String> modes = new TreeMap<>();
    try (Stream<Path> all = Files.walk(home())) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String name = home().relativize(p).toString();
        try {
          modes.put(
              name.isEmpty() ? "." : name,
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
        } catch (NoSuchFileException e) {
          // a temp file renamed away meanwhile; it was private too (AtomicFiles)
        }
      }
    }
    return modes;
  }

  static void assertAllPrivate(Map<String, String> modes, Path home) {
    modes.forEach(
        (name, mode) -> {
          boolean folder = Files.isDirectory(home.resolve(name), LinkOption.NOFOLLOW_LINKS);
          assertThat(mode)
              .as("%s %s in %s", folder ? "folder" : "file", name, modes)
              .isEqualTo(folder ? "rwx------" : "rw-------");
        });
  }

  /** Writes a task file the way any program would: a temp name, then a rename to *.json. */
  void dropIntoInbox(String name, String json) throws Exception {
    Path inbox = home().resolve("inbox");
    Process wrote =
        new ProcessBuilder(
                "sh",
                "-c",
                "umask 000; printf '%s' \"$1\" > \"$2/.$3.tmp\" && mv \"$2/.$3.tmp\" \"$2/$3\"",
                "sh",
                json,
                inbox.toString(),
                name)
            .start();
    assertThat(wrote.waitFor()).isZero();
  }

  @Test
  void under_umask_000_every_folder_in_the_home_is_0700_and_every_file_0600() throws Exception {
    Process daemon = daemon();
    awaitUp(daemon);

    Run created = coordd("task", "create", "review", "--assigned-to", "alice");
    assertThat(created.exit()).as(created.err()).isZero();
    Run invocation =
        coordd(
            "task",
            "create",
            "invoke_agent",
            "--data",
            "{\"agentType\":\"claude_code\",\"command\":\"review the diff\"}");
    assertThat(invocation.exit()).as(invocation.err()).isZero();
    dropIntoInbox("good.json", "{\"type\": \"review\", \"assignedTo\": \"bob\"}");
    dropIntoInbox("bad.json", "{\"type\": \"review\", \"assignedto\": \"bob\"}");

    Path inbox = home().resolve("inbox");
    await("the inbox to take both files", () -> Files.exists(inbox.resolve("done/good.json")));
    await("the rejection", () -> Files.exists(inbox.resolve("rejected/bad.json.error")));
    await(
        "the pending invocation",
        () -> {
          try (Stream<Path> pending = Files.list(home().resolve("invocations/pending"))) {
            return pending.anyMatch(p -> p.getFileName().toString().endsWith(".json"));
          } catch (IOException e) {
            return false;
          }
        });
    Path logFile = home().resolve("logs/coordd.log");
    await("log lines about the inbox", () -> contains(logFile, "inbox: rejected bad.json"));

    Map<String, String> modes = modes();
    assertThat(modes)
        .containsKeys(
            "coordd.db",
            "coordd.db-wal",
            "coordd.db-shm",
            "coordd.lock",
            "coordd.pid",
            "coordd.sock",
            "logs/coordd.log",
            "inbox/done/good.json",
            "inbox/rejected/bad.json",
            "inbox/rejected/bad.json.error",
            "invocations/pending");
    assertAllPrivate(modes, home());
  }

  @Test
  void a_home_left_0777_with_loose_files_is_tightened_at_start_and_the_change_logged()
      throws Exception {
    Path home = Files.createDirectories(home());
    Files.createDirectories(home.resolve("inbox/done"));
    Files.writeString(home.resolve("inbox/done/old.json"), "{\"type\": \"x\"}");
    Files.writeString(home.resolve("config.json"), "{}");
    for (String name : List.of(".", "inbox", "inbox/done")) {
      Files.setPosixFilePermissions(
          home.resolve(name), PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    for (String name : List.of("inbox/done/old.json", "config.json")) {
      Files.setPosixFilePermissions(
          home.resolve(name), PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    Process daemon = daemon();
    awaitUp(daemon);

    assertAllPrivate(modes(), home());
    assertThat(Files.readString(home.resolve("logs/coordd.log")))
        .contains("made the home " + home + " private")
        .contains("config.json 0666 -> 0600")
        .contains("inbox/done/old.json 0666 -> 0600");
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.exists(file) && Files.readString(file).contains(text);
    } catch (IOException e) {
      return false;
    }
  }
}
