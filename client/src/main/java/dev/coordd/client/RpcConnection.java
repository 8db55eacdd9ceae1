package dev.coordd.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.UnavailableException;
import dev.coordd.internal.CombiningWriter;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON-RPC 2.0 connection to a daemon's Unix socket, one message per line. Requests may be in
 * flight from many threads at once, or many from one thread ({@link #callAsync}): requests are
 * written whole (those queued at the same moment in one write), the daemon runs them concurrently
 * and answers in any order, and a reader thread matches answers to callers by id. Thread-safe.
 */
public final class RpcConnection implements AutoCloseable {
  /**
   * How long a call may go unanswered beyond the wait it asks for ({@code waitMs} or {@code
   * timeoutMs}): a hung or stopped daemon is reported instead of blocking its caller forever.
   */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(15);

  private final SocketChannel channel;
  private final Duration callTimeout;
  private final CombiningWriter out;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean closed;

  private RpcConnection(SocketChannel channel, Duration callTimeout) {
    this.channel = channel;
    this.callTimeout = callTimeout;
    this.out = new CombiningWriter(channel);
    this.reader = Thread.ofVirtual().name("coordd-client-reader").start(this::readLoop);
  }

  /** Connects to the daemon of {@code home}, or says plainly that none runs there. */
  public static RpcConnection open(Path home) {
    return open(home, DEFAULT_CALL_TIMEOUT);
  }

  /** As {@link #open(Path)}, with the time a call may go unanswered beyond its own wait. */
  public static RpcConnection open(Path home, Duration callTimeout) {
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, not " + callTimeout);
    }
    Path socket = SocketPaths.forHome(home);
    String notRunning =
        "no coordd daemon is running on "
            + home.toAbsolutePath().normalize()
            + "; start one with: coordd daemon --home "
            + home;
    UserPrincipal owner = SocketCheck.beforeConnect(home, socket, notRunning);
    try {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
        SocketCheck.checkPeer(ch, socket, owner);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      return new RpcConnection(ch, callTimeout);
    } catch (IOException e) {
      throw new DaemonNotRunningException(notRunning + " (" + e.getMessage() + ")");
    }
  }

  /** Sends one request and waits for its answer; an error answer is thrown as its exception. */
  public JsonNode call(String method, JsonNode params) {
    CompletableFuture<JsonNode> answer = callAsync(method, params);
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.cancel(false);
      throw new UnavailableException("interrupted while waiting for the daemon", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof CoorddException ce
          ? ce
          : new UnavailableException("daemon call failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Sends one request and returns at once; the answer completes the future (from the connection's
   * reader thread, so keep what you chain on it short, or use the {@code *Async} variants with an
   * executor). An error answer completes it exceptionally with its {@link CoorddException}, as does
   * an answer that does not come within the call timeout. Many calls may be in flight at once, from
   * any threads: the daemon runs them concurrently and answers each as it finishes. The request is
   * queued for the socket before this returns (written by this thread, or by the one writing at
   * that moment), so calls made one after another from one thread reach the daemon in that order.
   */
  public CompletableFuture<JsonNode> callAsync(String method, JsonNode params) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new UnavailableException("the connection to the daemon is closed"));
    }
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    if (closed) {
      // The reader may have told everyone before this call was registered: tell it too.
      pending.remove(id);
      return CompletableFuture.failedFuture(
          new UnavailableException("the connection to the daemon is closed"));
    }
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", id).put("method", method).set("params", params);
    try {
      out.write(Json.line(request));
    } catch (IOException | RuntimeException e) {
      pending.remove(id);
      return CompletableFuture.failedFuture(
          e instanceof IOException
              ? new UnavailableException("lost the connection to the daemon: " + e.getMessage(), e)
              : e);
    }
    long limitMs = callTimeout.toMillis() + askedWaitMs(params);
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    answer
        .orTimeout(limitMs, TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, failure) -> {
              pending.remove(id);
              if (failure instanceof TimeoutException) {
                result.completeExceptionally(
                    new UnavailableException(
                        "the daemon did not answer "
                            + method
                            + " within "
                            + limitMs / 1000.0
                            + " s: it is hung, stopped or overloaded; `coordd status` tells which,"
                            + " and the log is in the home's logs/coordd.log"));
              } else if (failure != null) {
                result.completeExceptionally(failure);
              } else if (response.hasNonNull("error")) {
                result.completeExceptionally(RpcErrors.fromError(response.get("error")));
              } else {
                result.complete(response.get("result"));
              }
            });
    return result;
  }

  /** The wait a long-waiting call asks the daemon for; the answer may take that long. */
  private static long askedWaitMs(JsonNode params) {
    if (params == null) {
      return 0;
    }
    long wait = Math.max(params.path("waitMs").asLong(0), params.path("timeoutMs").asLong(0));
    return Math.max(0, Math.min(wait, Long.MAX_VALUE / 4));
  }

  private void readLoop() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue; // the daemon may write a space to check that a half-closed client still reads
        }
        JsonNode response = Json.read(line);
        CompletableFuture<JsonNode> f = pending.get(response.path("id").asLong(-1));
        if (f != null) {
          f.complete(response);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: everyone waiting is told below
    }
    closed = true;
    UnavailableException gone =
        new UnavailableException("the daemon closed the connection" + " (it stopped or restarted)");
    pending.values().forEach(f -> f.completeExceptionally(gone));
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      reader.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
