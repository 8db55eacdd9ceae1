package dev.coordd.daemon.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an argv (never through a shell) to completion or to a limit, the one place that knows how to
 * do so safely:
 *
 * <ul>
 *   <li>stdout and stderr are drained on their own threads ({@link OutputDrain}), so neither pipe
 *       can fill up and block the program, and each keeps at most {@code maxOutputBytes} (the head
 *       of stdout, or its tail when asked; the tail of stderr, where the reason for a failure is);
 *   <li>a wall-clock timeout, and an idle timeout measured from the last byte seen on either stream
 *       (or from the start, before any) ({@link RunLimits});
 *   <li>on either timeout, and when the calling thread is interrupted, the whole process tree is
 *       killed ({@link ProcessTree}): descendants and root get SIGTERM, whatever is left after
 *       {@link #killGrace()} gets SIGKILL. So are children the program leaves behind when it exits.
 * </ul>
 *
 * <p>Stateless and thread-safe: one instance may run any number of processes at once.
 */
public final class ProcessRunner {
  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);

  /** How long a killed process gets to exit on SIGTERM before SIGKILL. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

  /**
   * How long to wait for stdout and stderr to reach end-of-file after the program exited (or was
   * killed). Its own output is already in the pipe by then; only a background child still holding
   * the pipe can make this wait, and that child's output is not part of the result.
   */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

  /** Which limit ended a run. */
  public enum TimedOut {
    /** The program exited by itself. */
    NONE,
    /** {@link Spec#timeout()} ran out. */
    WALL_CLOCK,
    /** No byte on stdout or stderr for {@link Spec#idleTimeout()}. */
    IDLE
  }

  /**
   * What to run and within which limits. Build with {@link #of} and the {@code with*} methods.
   *
   * @param argv the program and its arguments, passed as is (no shell, no splitting)
   * @param workingDirectory where it runs, or null for the daemon's own folder
   * @param stdin bytes written to its stdin, which is then closed; null closes stdin at once
   * @param timeout wall-clock limit, or null for none
   * @param idleTimeout limit on silence on both stdout and stderr, or null for none
   * @param maxOutputBytes cap on the bytes kept of stdout and, separately, of stderr
   * @param keepStdoutTail keep the last {@code maxOutputBytes} of stdout rather than the first (for
   *     line-oriented output whose last line matters most)
   */
  public record Spec(
      List<String> argv,
      Path workingDirectory,
      byte[] stdin,
      Duration timeout,
      Duration idleTimeout,
      int maxOutputBytes,
      boolean keepStdoutTail) {

    /** 1 MiB per stream unless {@link #withMaxOutputBytes} says otherwise. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

    public Spec {
      argv = List.copyOf(argv);
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("argv is empty");
      }
      if (maxOutputBytes <= 0) {
        throw new IllegalArgumentException("maxOutputBytes must be positive: " + maxOutputBytes);
      }
      requirePositive("timeout", timeout);
      requirePositive("idleTimeout", idleTimeout);
    }

    /** The argv with no stdin, no limits but the default output cap. */
    public static Spec of(List<String> argv) {
      return new Spec(argv, null, null, null, null, DEFAULT_MAX_OUTPUT_BYTES, false);
    }

    public static Spec of(String... argv) {
      return of(List.of(argv));
    }

    public Spec withWorkingDirectory(Path dir) {
      return new Spec(argv, dir, stdin, timeout, idleTimeout, maxOutputBytes, keepStdoutTail);
    }

    public Spec withStdin(byte[] bytes) {
      return new Spec(
          argv, workingDirectory, bytes, timeout, idleTimeout, maxOutputBytes, keepStdoutTail);
    }

    public Spec withTimeout(Duration d) {
      return new Spec(
          argv, workingDirectory, stdin, d, idleTimeout, maxOutputBytes, keepStdoutTail);
    }

    public Spec withIdleTimeout(Duration d) {
      return new Spec(argv, workingDirectory, stdin, timeout, d, maxOutputBytes, keepStdoutTail);
    }

    public Spec withMaxOutputBytes(int n) {
      return new Spec(argv, workingDirectory, stdin, timeout, idleTimeout, n, keepStdoutTail);
    }

    public Spec withKeepStdoutTail(boolean tail) {
      return new Spec(argv, workingDirectory, stdin, timeout, idleTimeout, maxOutputBytes, tail);
    }

    private static void requirePositive(String name, Duration d) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }

  /**
   * How a run ended.
   *
   * @param exitCode the program's exit status, or null when it was killed on a timeout
   * @param stdout the kept stdout: its first {@code maxOutputBytes}, or its last with {@link
   *     Spec#keepStdoutTail()}
   * @param stderr the last {@code maxOutputBytes} of stderr
   * @param stdoutTotal bytes the program wrote on stdout, kept or not
   * @param stderrTotal bytes the program wrote on stderr, kept or not
   * @param timedOut which limit, if any, ended the run
   * @param duration from start until the program ended and its output was read
   */
  public record Result(
      Integer exitCode,
      byte[] stdout,
      byte[] stderr,
      long stdoutTotal,
      long stderrTotal,
      TimedOut timedOut,
      Duration duration) {

    public boolean stdoutTruncated() {
      return stdoutTotal > stdout.length;
    }

    public boolean stderrTruncated() {
      return stderrTotal > stderr.length;
    }

    /** Whether it exited by itself with status 0. */
    public boolean succeeded() {
      return exitCode != null && exitCode == 0;
    }

    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /**
     * The last {@code maxBytes} of stderr as text, stripped, starting with "…" when more came
     * before it; empty when there was nothing on stderr.
     */
    public String stderrTail(int maxBytes) {
      int from = Math.max(0, stderr.length - maxBytes);
      String text = new String(stderr, from, stderr.length - from, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return "";
      }
      return stderrTotal > stderr.length - from ? "…" + text : text;
    }

    @Override
    public String toString() {
      return "Result[exitCode="
          + exitCode
          + ", stdout="
          + stdoutTotal
          + " bytes, stderr="
          + stderrTotal
          + " bytes, timedOut="
          + timedOut
          + ", duration="
          + duration
          + "]";
    }
  }

  private final Duration killGrace;

  /** A runner that gives killed processes {@link #DEFAULT_KILL_GRACE} before SIGKILL. */
  public ProcessRunner() {
    this(DEFAULT_KILL_GRACE);
  }

  public ProcessRunner(Duration killGrace) {
    this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
  }

  public Duration killGrace() {
    return killGrace;
  }

  /**
   * Starts the program and waits until it exits or a limit kills it, then for its output.
   *
   * @throws IOException only when the program cannot be started (missing program or folder, argv
   *     too long for the OS); once started, every outcome is a {@link Result}
   * @throws InterruptedException when the calling thread was interrupted; the process tree is
   *     killed first
   */
  public Result run(Spec spec) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(spec.argv());
    if (spec.workingDirectory() != null) {
      builder.directory(spec.workingDirectory().toFile());
    }
    long started = System.nanoTime();
    Process process = builder.start();
    try {
      AtomicLong lastOutput = new AtomicLong(started);
      OutputDrain stdout =
          OutputDrain.start(
              "stdout",
              process,
              process.getInputStream(),
              spec.maxOutputBytes(),
              spec.keepStdoutTail(),
              lastOutput);
      OutputDrain stderr =
          OutputDrain.start(
              "stderr", process, process.getErrorStream(), spec.maxOutputBytes(), true, lastOutput);
      feed(process, spec.stdin());
      TimedOut timedOut;
      Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
      try {
        timedOut =
            new RunLimits(started, spec.timeout(), spec.idleTimeout())
                .await(process, lastOutput, seen);
      } catch (InterruptedException e) {
        ProcessTree.kill(process.toHandle(), killGrace);
        throw e;
      }
      if (timedOut != TimedOut.NONE) {
        ProcessTree.kill(process.toHandle(), killGrace);
      }
      // Children it left behind (a language server, a background job) end with the run.
      for (ProcessHandle child : seen) {
        if (child.isAlive()) {
          ProcessTree.kill(child, killGrace);
        }
      }
      boolean closed = stdout.await(OUTPUT_GRACE) & stderr.await(OUTPUT_GRACE);
      if (!closed) {
        log.warn(
            "'{}' {} but a child process still holds its stdout or stderr open",
            spec.argv().get(0),
            timedOut == TimedOut.NONE ? "exited" : "was killed");
      }
      return new Result(
          timedOut == TimedOut.NONE ? process.exitValue() : null,
          stdout.bytes(),
          stderr.bytes(),
          stdout.total(),
          stderr.total(),
          timedOut,
          Duration.ofNanos(System.nanoTime() - started));
    } finally {
      if (!process.onExit().isDone()) {
        ProcessTree.kill(
            process.toHandle(),
            killGrace); // Anything unexpected thrown above must not leave it running.
      }
    }
  }

  /** Writes stdin on its own thread, so a program that prints before it reads cannot deadlock. */
  private static void feed(Process process, byte[] input) {
    if (input == null) {
      closeQuietly(process.getOutputStream());
      return;
    }
    Thread.ofPlatform() // a blocking pipe write would pin a virtual thread's carrier on Java 21
        .daemon(true)
        .name("process-stdin-" + process.pid())
        .start(
            () -> {
              try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input);
              } catch (IOException e) {
                // The program closed stdin or exited without reading it all: its choice.
              }
            });
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // Nothing was written; a program that is already gone does not need its stdin closed.
    }
  }
}
