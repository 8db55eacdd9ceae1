package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/coordd} as real processes for the black-box tests, and stops whatever a test left
 * running when it is closed. Not thread-safe: one per test.
 */
public final class Launcher implements AutoCloseable {
  /** The README's launcher, which builds the jar when the sources are newer. */
  public static final Path BIN = Path.of("..", "bin", "coordd").toAbsolutePath().normalize();

  /** What a finished process printed and how it exited. */
  public record Run(int exit, String out, String err) {}

  private final List<Process> started = new ArrayList<>();

  /** {@code bin/coordd args… --home home}. */
  public static List<String> command(Path home, String... args) {
    List<String> cmd = new ArrayList<>(List.of(BIN.toString()));
    cmd.addAll(List.of(args));
    cmd.add("--home");
    cmd.add(home.toString());
    return cmd;
  }

  /** Starts the process and remembers it, so {@link #close} stops it if the test does not. */
  public Process start(ProcessBuilder builder) throws IOException {
    Process p = builder.start();
    started.add(p);
    return p;
  }

  public Process start(Path home, String... args) throws IOException {
    return start(new ProcessBuilder(command(home, args)));
  }

  /** Runs {@code bin/coordd args… --home home} to the end. */
  public Run run(Path home, String... args) throws Exception {
    return finish(start(home, args));
  }

  /** Reads the output of a process to its end and waits (bounded) for its exit. */
  public static Run finish(Process p) throws Exception {
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the process exited within 120 s").isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /** Stops what is still running: SIGTERM, then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
