package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coordd.api.NewTask;
import dev.coordd.client.CoorddClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon started under {@code umask 000} (a child JVM, since a JVM cannot change its own umask)
 * must still keep its home to its user: the home 0700, every file in it 0600, and another uid
 * ({@code nobody} through {@code setpriv}) unable to read any of it.
 */
@Tag("reliability")
class PrivateHomeTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void under_umask_000_the_home_and_every_file_in_it_are_private() throws Exception {
    // Only the home's own modes may protect it: the folder around it is open, as a user's would be.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path home = dir.resolve("home");
    Path out = dir.resolve("child.out");
    String java = ProcessHandle.current().info().command().orElse("java");
    String cmd =
        "umask 000 && exec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + ChildDaemonMain.class.getName()
            + " '"
            + home
            + "' '"
            + dir.resolve("completions.log")
            + "'";
    Process child =
        new ProcessBuilder("sh", "-c", cmd)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("child.err").toFile())
            .start();
    try {
      KillNineUnderLoadTest.awaitUp(home, child, out);
      try (CoorddClient c = CoorddClient.connect(home)) {
        c.createTask(NewTask.of(CompletionLog.TYPE)); // a write, so the WAL and its index exist
      }
      List<String> loose = new ArrayList<>();
      try (Stream<Path> all = Files.walk(home)) {
        for (Path p : all.toList()) {
          String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
          if (!mode.equals(want)) {
            loose.add(home.relativize(p) + " " + mode);
          }
        }
      }
      assertThat(loose).as("files not private under umask 000").isEmpty();

      assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv not installed");
      List<String> readable = new ArrayList<>();
      try (Stream<Path> all = Files.walk(home)) {
        for (Path p : all.filter(Files::isRegularFile).toList()) {
          Process cat =
              new ProcessBuilder(
                      "setpriv",
                      "--reuid=65534",
                      "--regid=65534",
                      "--clear-groups",
                      "cat",
                      p.toString())
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectError(ProcessBuilder.Redirect.DISCARD)
                  .start();
          assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
          if (cat.exitValue() == 0) {
            readable.add(home.relativize(p).toString());
          }
        }
      }
      assertThat(readable).as("files another uid can read").isEmpty();
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
