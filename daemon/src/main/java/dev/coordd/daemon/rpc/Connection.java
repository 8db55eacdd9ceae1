package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.client.RpcErrors;
import dev.coordd.internal.CombiningWriter;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection, pipelined: a virtual thread reads its requests, and each request runs on a
 * virtual thread of its own and is answered, by id, as soon as it finishes (JSON-RPC allows any
 * order). So one connection can have many creates waiting on the same group commit, and a slow call
 * does not hold up the ones behind it.
 *
 * <p>Back-pressure: at most {@link #MAX_IN_FLIGHT} ordinary requests (and {@link #MAX_WAITS} {@link
 * dev.coordd.api.LongWait} calls, which may legitimately wait for minutes) run at once per
 * connection; at the bound the reader stops reading until one finishes, so a client that floods
 * requests and never reads its answers fills its own socket buffers, not the daemon's memory.
 *
 * <p>When the client stops sending (end of stream), the answers still owed are written before the
 * connection closes — unless the client is gone altogether, in which case its long waits are
 * stopped, so they do not claim work nobody will receive. Thread-safe.
 */
final class Connection {
  /** Ordinary requests of one connection running at once; the reader waits beyond it. */
  static final int MAX_IN_FLIGHT = 256;

  /** Long waits of one connection running at once (each holds only a parked virtual thread). */
  static final int MAX_WAITS = 4_096;

  /** How often a client that half-closed is checked for still reading, while answers are owed. */
  private static final long PROBE_MILLIS = 1_000;

  /** A single space: harmless before the next answer line to any JSON reader, and a test write. */
  private static final byte[] PROBE = {' '};

  private final SocketChannel channel;
  private final Requests requests;
  private final MethodTable methods;
  private final CombiningWriter out;
  private final LineReader in;
  private final Semaphore calls = new Semaphore(MAX_IN_FLIGHT);
  private final Semaphore waitSlots = new Semaphore(MAX_WAITS);
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final Set<Thread> waits = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inProgress = new AtomicInteger();
  private volatile long lastAnswered = System.nanoTime();
  private volatile boolean closing;

  Connection(SocketChannel channel, Requests requests, MethodTable methods, int maxLineBytes) {
    this.channel = channel;
    this.requests = requests;
    this.methods = methods;
    this.out = new CombiningWriter(channel);
    this.in = new LineReader(Channels.newInputStream(channel), maxLineBytes);
  }

  /** Reads and answers until the client stops sending and every answer owed is written. */
  void serve() {
    try (channel) {
      LineReader.Line line;
      while ((line = in.readLine()) != null) {
        if (!line.tooLong() && line.text().isBlank()) {
          continue;
        }
        Requests.Incoming request = requests.parse(line);
        boolean longWait = methods.isLongWait(request.method());
        Semaphore slots = longWait ? waitSlots : calls;
        slots.acquire();
        inProgress.incrementAndGet();
        Thread call =
            Thread.ofVirtual()
                .name(longWait ? "coordd-rpc-wait" : "coordd-rpc-call")
                .unstarted(
                    () -> {
                      boolean handedOver = false;
                      try {
                        handedOver = respond(request, slots::release);
                      } finally {
                        Thread self = Thread.currentThread();
                        waits.remove(self);
                        running.remove(self);
                        if (!handedOver) {
                          slots.release();
                        }
                      }
                    });
        running.add(call);
        if (longWait) {
          waits.add(call);
        }
        call.start();
      }
      finishOwedAnswers();
    } catch (IOException e) {
      // the peer went away, or the daemon closed the connection: nothing to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the daemon is stopping
    } finally {
      // Whoever is still waiting has no one to answer to: do not let it go on to claim work.
      // Ordinary calls finish on their own (they are short), and their answers go nowhere.
      waits.forEach(Thread::interrupt);
    }
  }

  /**
   * Answers the request; true when the answer went to the writer, which then calls {@code written}
   * once it is on the wire (the request holds its slot until then: an answer the client does not
   * read must stop the reading, not pile up in the daemon's memory).
   */
  private boolean respond(Requests.Incoming request, Runnable written) {
    try {
      byte[] answer = requests.answer(request);
      if (answer == null) {
        return false;
      }
      write(answer, written);
      return true;
    } finally {
      lastAnswered = System.nanoTime();
      inProgress.decrementAndGet();
    }
  }

  /**
   * The client half-closed its side (or hung up). The ordinary calls still running are short: their
   * answers are waited for. A half-closed client still reads, so its long waits go on and are
   * answered; a client that is gone fails the probe write at once, and then its waits are stopped.
   */
  private void finishOwedAnswers() throws InterruptedException {
    for (Thread call : running) {
      if (!waits.contains(call)) {
        call.join();
      }
    }
    while (!waits.isEmpty()) {
      if (!probe()) {
        return;
      }
      for (Thread wait : waits) {
        wait.join(PROBE_MILLIS);
        break; // probe again, then wait on whichever is still running
      }
    }
  }

  /** True if the client still reads: writing to a socket whose peer closed fails at once. */
  private boolean probe() {
    return writeNow(PROBE);
  }

  /** Writes and waits until it is on the wire (with whatever was queued before it). */
  private boolean writeNow(byte[] bytes) {
    try {
      out.writeNow(bytes);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes one answer line whole (answers finish in any order), together with the others ready at
   * the same moment; a client that hung up before its answer is no one's concern here.
   */
  private void write(byte[] bytes, Runnable written) {
    try {
      out.write(bytes, written);
    } catch (IOException | RuntimeException e) { // either way the writer ran `written` already
      // the caller hung up before its answer; the channel is closed, nothing else to do
    }
  }

  /**
   * True if nothing has come in and nothing was owed for {@code timeoutNanos} up to {@code now}.
   */
  boolean idle(long now, long timeoutNanos) {
    return inProgress.get() == 0
        && now - Math.max(in.lastHeardNanos(), lastAnswered) > timeoutNanos;
  }

  /**
   * Tells the client why, then closes. On a thread of its own: a client that stopped reading could
   * block the notice, and the caller (the idle sweep) must never wait on a client. A connection
   * told once and still open at the next sweep is closed without a word.
   */
  void closeIdle(String why) {
    if (closing) {
      close();
      return;
    }
    closing = true;
    byte[] notice =
        (Json.write(
                    Requests.answer(
                        NullNode.getInstance(), null, RpcErrors.error(RpcErrors.UNAVAILABLE, why)))
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    Thread.ofVirtual()
        .name("coordd-rpc-idle-close")
        .start(
            () -> {
              writeNow(notice);
              close();
            });
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
