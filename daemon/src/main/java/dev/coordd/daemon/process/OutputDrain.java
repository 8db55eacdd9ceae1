package dev.coordd.daemon.process;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains one of a program's output pipes on its own thread, so the pipe can never fill up and block
 * the program, keeping at most {@code cap} bytes: the first, or with {@code keepTail} the last.
 * Every read moves {@code lastOutput} forward, which is what the idle timeout watches.
 */
final class OutputDrain implements Runnable {
  private static final int CHUNK = 8192;

  private final InputStream in;
  private final int cap;
  private final boolean keepTail;
  private final AtomicLong lastOutput;
  private final CountDownLatch done = new CountDownLatch(1);
  private byte[] buffer = new byte[0];
  private int length;
  private long total;

  private OutputDrain(InputStream in, int cap, boolean keepTail, AtomicLong lastOutput) {
    this.in = in;
    this.cap = cap;
    this.keepTail = keepTail;
    this.lastOutput = lastOutput;
  }

  /**
   * Starts draining {@code in}, one of {@code process}'s streams.
   *
   * @param stream "stdout" or "stderr", for the thread's name
   * @param lastOutput the nanoTime of the latest byte on any of the process's streams
   */
  static OutputDrain start(
      String stream,
      Process process,
      InputStream in,
      int cap,
      boolean keepTail,
      AtomicLong lastOutput) {
    OutputDrain drain = new OutputDrain(in, cap, keepTail, lastOutput);
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

  /** Waits for end-of-file on the pipe; false if it did not come within {@code timeout}. */
  boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The kept bytes. */
  synchronized byte[] bytes() {
    int kept = Math.min(length, cap);
    return Arrays.copyOfRange(buffer, length - kept, length);
  }

  /** Every byte read, kept or not. */
  synchronized long total() {
    return total;
  }
}
