package dev.coordd.daemon.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an argv (never through a shell) to completion or to a limit, the one place that knows how to
 * do so safely:
 *
 * <ul>
 *   <li>stdout and stderr are drained on their own virtual threads, so neither pipe can fill up and
 *       block the program, and each keeps at most {@code maxOutputBytes} (the head of stdout, or
 *       its tail when asked; the tail of stderr, where the reason for a failure is);
 *   <li>a wall-clock timeout, and an idle timeout measured from the last byte seen on either stream
 *       (or from the start, before any);
 *   <li>on either timeout, and when the calling thread is interrupted, the whole process tree is
 *       killed: descendants and root get SIGTERM, whatever is left after {@link #killGrace()} gets
 *       SIGKILL. A script's children would otherwise outlive the run and keep working.
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

  private static final int CHUNK = 8192;

  /** How often a kill checks whether the tree has exited during the grace period. */
  private static final Duration KILL_POLL = Duration.ofMillis(20);

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
      Drain stdout =
          Drain.start(
              "stdout",
              process,
              process.getInputStream(),
              spec.maxOutputBytes(),
              spec.keepStdoutTail(),
              lastOutput);
      Drain stderr =
          Drain.start(
              "stderr", process, process.getErrorStream(), spec.maxOutputBytes(), true, lastOutput);
      feed(process, spec.stdin());
      TimedOut timedOut;
      java.util.Set<ProcessHandle> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      try {
        timedOut = await(process, spec, started, lastOutput, seen);
      } catch (InterruptedException e) {
        killTree(process, killGrace);
        throw e;
      }
      if (timedOut != TimedOut.NONE) {
        killTree(process, killGrace);
      }
      // Children it left behind (a language server, a background job) end with the run.
      for (ProcessHandle child : seen) {
        if (child.isAlive()) {
          killTree(child, killGrace);
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
        killTree(process, killGrace); // Anything unexpected thrown above must not leave it running.
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

  static final long SNAPSHOT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Waits for exit or for the first limit to pass; all times from nanoTime. */
  private static TimedOut await(
      Process process,
      Spec spec,
      long started,
      AtomicLong lastOutput,
      java.util.Set<ProcessHandle> seen)
      throws InterruptedException {
    long wallDeadline =
        spec.timeout() == null ? Long.MAX_VALUE : started + saturatedNanos(spec.timeout());
    long idleNanos =
        spec.idleTimeout() == null ? Long.MAX_VALUE : saturatedNanos(spec.idleTimeout());
    while (true) {
      long now = System.nanoTime();
      long idleDeadline =
          idleNanos == Long.MAX_VALUE ? Long.MAX_VALUE : saturatedAdd(lastOutput.get(), idleNanos);
      // Compare by difference, as nanoTime may wrap; MAX_VALUE stands for "no limit".
      if (wallDeadline != Long.MAX_VALUE && now - wallDeadline >= 0) {
        return process.isAlive() ? TimedOut.WALL_CLOCK : TimedOut.NONE;
      }
      if (idleDeadline != Long.MAX_VALUE && now - idleDeadline >= 0) {
        return process.isAlive() ? TimedOut.IDLE : TimedOut.NONE;
      }
      // Wake at least every SNAPSHOT_NANOS to note the process's children: once it exits they
      // are orphans nobody can find any more, and they must not outlive the run.
      process.descendants().forEach(seen::add);
      long wait =
          Math.min(
              SNAPSHOT_NANOS,
              Math.min(untilOrMax(wallDeadline, now), untilOrMax(idleDeadline, now)));
      // onExit() rather than waitFor(): on Java 21 waitFor holds a monitor and pins the virtual
      // thread's carrier for the whole run; a future's get() lets the carrier go.
      try {
        process.onExit().get(wait, TimeUnit.NANOSECONDS);
        return TimedOut.NONE;
      } catch (java.util.concurrent.TimeoutException e) {
        // at a deadline: loop
      } catch (java.util.concurrent.ExecutionException e) {
        return TimedOut.NONE;
      }
      // Woken at a deadline: the loop re-reads lastOutput, which output may have pushed back.
    }
  }

  private static long untilOrMax(long deadline, long now) {
    return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(deadline - now, 0);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only matters for absurd limits: treat them as none.
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * SIGTERM to the process and every descendant, SIGKILL to whatever is left after {@code grace}.
   * The tree is snapshotted before anything is killed because once a parent dies its children are
   * re-parented and no longer show up as its descendants. Keeps the thread's interrupt status; an
   * interrupt cuts the grace short but the killing goes on.
   */
  public static void killTree(Process process, Duration grace) {
    killTree(process.toHandle(), grace);
  }

  public static void killTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    tree.forEach(ProcessHandle::destroy);
    boolean interrupted = awaitAll(tree, grace);
    Set<ProcessHandle> survivors = new LinkedHashSet<>();
    for (ProcessHandle handle : tree) {
      if (!exited(handle)) {
        handle.descendants().forEach(survivors::add); // Forked during the grace period.
        survivors.add(handle);
      }
    }
    survivors.forEach(ProcessHandle::destroyForcibly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether a process has exited. Not {@code isAlive}: an orphan that has exited stays "alive" as a
   * zombie until init reaps it (which can take a second or more), and the JDK's {@code onExit} of a
   * process that is not our child waits for that reaping too. A zombie has closed its pipes and
   * needs no signal, so on Linux its state in {@code /proc} counts as exited.
   */
  static boolean exited(ProcessHandle handle) {
    if (handle.onExit().isDone()) {
      return true;
    }
    try {
      // "pid (comm) S ...": comm may hold spaces and parentheses, so look after the last ')'.
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (NoSuchFileException e) {
      return Files.isDirectory(Path.of("/proc/self")); // gone from a working /proc: reaped
    } catch (IOException | RuntimeException e) {
      return false; // no /proc: trust onExit alone
    }
  }

  /** Returns whether the wait was interrupted, which cuts the grace short. */
  private static boolean awaitAll(List<ProcessHandle> handles, Duration grace) {
    long deadline = System.nanoTime() + saturatedNanos(grace);
    while (true) {
      if (handles.stream().allMatch(ProcessRunner::exited)) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(left, KILL_POLL.toNanos())));
      } catch (InterruptedException e) {
        return true;
      }
    }
  }

  /**
   * Drains one of the program's output pipes on its own thread, keeping at most {@code cap} bytes:
   * the first, or with {@code keepTail} the last. Every read moves {@code lastOutput} forward.
   */
  private static final class Drain implements Runnable {
    private final InputStream in;
    private final int cap;
    private final boolean keepTail;
    private final AtomicLong lastOutput;
    private final CountDownLatch done = new CountDownLatch(1);
    private byte[] buffer = new byte[0];
    private int length;
    private long total;

    private Drain(InputStream in, int cap, boolean keepTail, AtomicLong lastOutput) {
      this.in = in;
      this.cap = cap;
      this.keepTail = keepTail;
      this.lastOutput = lastOutput;
    }

    static Drain start(
        String stream,
        Process process,
        InputStream in,
        int cap,
        boolean keepTail,
        AtomicLong lastOutput) {
      Drain drain = new Drain(in, cap, keepTail, lastOutput);
      // Platform threads: a blocking pipe read pins a virtual thread's carrier on Java 21.
      Thread.ofPlatform().daemon(true).name("process-" + stream + "-" + process.pid()).start(drain);
      return drain;
    }

    @Override
    public void run() {
      byte[] chunk = new byte[CHUNK];
      try (in) {
        int n;
        while ((n = in.read(chunk)) != -1) {
          if (n > 0) {
            lastOutput.accumulateAndGet(System.nanoTime(), (a, b) -> b - a > 0 ? b : a);
            append(chunk, n);
          }
        }
      } catch (IOException e) {
        // The pipe broke because the process was killed: what was read so far is all there is.
      } finally {
        done.countDown();
      }
    }

    private synchronized void append(byte[] chunk, int n) {
      total += n;
      if (!keepTail) {
        int room = cap - length;
        if (room > 0) {
          put(chunk, Math.min(room, n));
        }
        return;
      }
      if (n >= cap) {
        buffer = Arrays.copyOfRange(chunk, n - cap, n);
        length = cap;
        return;
      }
      if ((long) length + n > limit()) {
        // Shift the newest bytes to the front only once per ~cap bytes: amortised linear.
        int keep = Math.min(length, cap);
        System.arraycopy(buffer, length - keep, buffer, 0, keep);
        length = keep;
      }
      put(chunk, n);
    }

    private void put(byte[] chunk, int n) {
      if (length + n > buffer.length) {
        long grown = Math.max(length + n, 2L * buffer.length);
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit(), grown));
      }
      System.arraycopy(chunk, 0, buffer, length, n);
      length += n;
    }

    /** Room for the kept bytes; a tail keeps slack so it need not shift on every chunk. */
    private long limit() {
      return keepTail ? Math.min(2L * cap, Integer.MAX_VALUE - 16) : cap;
    }

    boolean await(Duration timeout) throws InterruptedException {
      return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    synchronized byte[] bytes() {
      int kept = Math.min(length, cap);
      return Arrays.copyOfRange(buffer, length - kept, length);
    }

    synchronized long total() {
      return total;
    }
  }
}
