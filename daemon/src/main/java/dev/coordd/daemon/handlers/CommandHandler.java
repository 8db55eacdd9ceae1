package dev.coordd.daemon.handlers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.coordd.daemon.config.CommandHandlerConfig;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task type run by an external program: the task as JSON on its stdin, its result as JSON on its
 * stdout. The argv is executed directly, never through a shell, so task data cannot inject
 * commands.
 *
 * <p>Whenever an attempt ends early (interrupt by the engine, or this handler's own timeout) the
 * whole process tree is killed: a shell script's children would otherwise outlive the attempt and
 * keep working on a task that may be retried elsewhere.
 */
public final class CommandHandler implements TaskHandler {
  private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

  /** How long a killed process gets to exit on SIGTERM before SIGKILL. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /**
   * How long to wait for stdout and stderr to reach end-of-file after the program exited. Its own
   * output is already in the pipe by then; only a background child still holding the pipe can
   * make this wait, and that child's output is not part of the result.
   */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

  private static final int STDERR_TAIL_BYTES = 2048;
  private static final int STDOUT_HEAD_CHARS = 200;

  private static final ObjectReader STRICT_JSON =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String type;
  private final CommandHandlerConfig config;

  public CommandHandler(String type, CommandHandlerConfig config) {
    if (config.command().isEmpty()) {
      throw new IllegalArgumentException("command handler '" + type + "' has an empty command");
    }
    if (config.maxOutputBytes() <= 0) {
      throw new IllegalArgumentException(
          "command handler '" + type + "' needs a positive maxOutputBytes");
    }
    this.type = type;
    this.config = config;
  }

  public String type() {
    return type;
  }

  public CommandHandlerConfig config() {
    return config;
  }

  @Override
  public JsonNode dataSchema() {
    return config.schema();
  }

  @Override
  public JsonNode handle(TaskContext context) throws Exception {
    byte[] input = Json.MAPPER.writeValueAsBytes(context.task());
    long started = System.nanoTime();
    Process process = start();
    try {
      Output stdout = Output.start("stdout", process, config.maxOutputBytes(), false);
      Output stderr = Output.start("stderr", process, config.maxOutputBytes(), true);
      Thread.ofVirtual().name("command-stdin-" + process.pid()).start(() -> feed(process, input));
      try {
        if (!awaitExit(process, started)) {
          killTree(process);
          stderr.await(OUTPUT_GRACE);
          throw TaskFailure.retryable(
              "timeout",
              describe() + " did not finish within " + config.timeout().toMillis() + " ms"
                  + "; killed it and its child processes; stderr: " + stderr.tailText());
        }
      } catch (InterruptedException e) {
        killTree(process);
        throw e;
      }
      boolean stdoutClosed = stdout.await(OUTPUT_GRACE);
      boolean stderrClosed = stderr.await(OUTPUT_GRACE);
      if (!stdoutClosed || !stderrClosed) {
        log.warn("{} exited but a child process still holds its stdout or stderr open", describe());
      }
      return result(process.exitValue(), stdout, stderr);
    } finally {
      if (process.isAlive()) {
        killTree(process); // Anything unexpected thrown above must not leave it running.
      }
    }
  }

  private Process start() throws TaskFailure {
    ProcessBuilder builder = new ProcessBuilder(config.command());
    if (config.workingDirectory() != null) {
      builder.directory(config.workingDirectory().toFile());
    }
    try {
      return builder.start();
    } catch (IOException e) {
      // A missing program or folder is a configuration error: every retry would fail the same.
      throw TaskFailure.permanent("start_failed", "cannot start " + describe() + ": " + e.getMessage());
    }
  }

  private static void feed(Process process, byte[] input) {
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input);
    } catch (IOException e) {
      // The program closed stdin or exited without reading it all: its choice, not an error.
    }
  }

  /** False when this handler's own timeout ran out first; measured from start with nanoTime. */
  private boolean awaitExit(Process process, long started) throws InterruptedException {
    if (config.timeout() == null) {
      process.waitFor();
      return true;
    }
    long left = saturatedNanos(config.timeout()) - (System.nanoTime() - started);
    return process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS);
  }

  private JsonNode result(int exitCode, Output stdout, Output stderr) throws TaskFailure {
    if (exitCode != 0) {
      throw TaskFailure.retryable(
          "exit_code", describe() + " exited with " + exitCode + ": " + stderr.tailText());
    }
    if (stdout.discarded() > 0) {
      throw TaskFailure.retryable(
          "invalid_result",
          describe() + " printed more than maxOutputBytes (" + config.maxOutputBytes()
              + ") on stdout; " + stdout.discarded() + " bytes were discarded, so the result"
              + " is incomplete; stderr: " + stderr.tailText());
    }
    String text = new String(stdout.bytes(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw invalidResult("printed nothing on stdout", stderr);
    }
    try {
      return STRICT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String head =
          text.length() > STDOUT_HEAD_CHARS ? text.substring(0, STDOUT_HEAD_CHARS) + "…" : text;
      throw invalidResult("printed " + head.strip(), stderr);
    }
  }

  private TaskFailure invalidResult(String what, Output stderr) {
    return TaskFailure.retryable(
        "invalid_result",
        describe() + " " + what + "; stdout was not JSON: the result must be one JSON value"
            + "; stderr: " + stderr.tailText());
  }

  private String describe() {
    return "command '" + config.command().get(0) + "' for task type '" + type + "'";
  }

  /**
   * SIGTERM to the process and every descendant, SIGKILL to whatever is left after {@link
   * #KILL_GRACE}. The tree is snapshotted before anything is killed because once a parent dies its
   * children are re-parented and no longer show up as descendants.
   */
  static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    boolean interrupted = awaitAll(tree, KILL_GRACE);
    Set<ProcessHandle> survivors = new LinkedHashSet<>();
    for (ProcessHandle handle : tree) {
      // onExit, not isAlive: an orphan that has exited stays "alive" as a zombie until init reaps
      // it, and a zombie needs no SIGKILL.
      if (!handle.onExit().isDone()) {
        handle.descendants().forEach(survivors::add); // Forked during the grace period.
        survivors.add(handle);
      }
    }
    survivors.forEach(ProcessHandle::destroyForcibly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns whether the wait was interrupted, which cuts the grace short; killing goes on. */
  private static boolean awaitAll(List<ProcessHandle> handles, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : handles) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return true;
      } catch (ExecutionException | TimeoutException e) {
        return false;
      }
    }
    return false;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Drains one of the program's output pipes on its own thread, so a chatty stderr cannot block
   * the program while stdout is read. Keeps at most {@code cap} bytes: the first for stdout (the
   * result must be complete anyway), the last for stderr (the end says why it failed).
   */
  private static final class Output implements Runnable {
    private final InputStream in;
    private final int cap;
    private final boolean keepTail;
    private final CountDownLatch done = new CountDownLatch(1);
    private byte[] buffer = new byte[0];
    private int length;
    private long total;

    private Output(InputStream in, int cap, boolean keepTail) {
      this.in = in;
      this.cap = cap;
      this.keepTail = keepTail;
    }

    static Output start(String stream, Process process, int cap, boolean keepTail) {
      InputStream in = stream.equals("stdout") ? process.getInputStream() : process.getErrorStream();
      Output output = new Output(in, cap, keepTail);
      Thread.ofVirtual().name("command-" + stream + "-" + process.pid()).start(output);
      return output;
    }

    @Override
    public void run() {
      byte[] chunk = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(chunk)) != -1) {
          append(chunk, n);
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
          put(chunk, 0, Math.min(room, n));
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
      put(chunk, 0, n);
    }

    private void put(byte[] chunk, int from, int n) {
      if (length + n > buffer.length) {
        long grown = Math.max(length + n, 2L * buffer.length);
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit(), grown));
      }
      System.arraycopy(chunk, from, buffer, length, n);
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

    synchronized long discarded() {
      return total - Math.min(length, cap);
    }

    /** The last ~2 KiB as text, marked when more came before it. */
    synchronized String tailText() {
      byte[] kept = bytes();
      int from = Math.max(0, kept.length - STDERR_TAIL_BYTES);
      String text = new String(kept, from, kept.length - from, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return "(nothing on stderr)";
      }
      return total > kept.length - from ? "…" + text : text;
    }
  }
}
