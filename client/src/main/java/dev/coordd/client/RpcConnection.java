package dev.coordd.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.UnavailableException;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JSON-RPC 2.0 connection to a daemon's Unix socket, one message per line. Requests may be in
 * flight from many threads at once; a reader thread matches answers to callers by id. Thread-safe.
 */
public final class RpcConnection implements AutoCloseable {
  private final SocketChannel channel;
  private final OutputStream out;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean closed;

  private RpcConnection(SocketChannel channel) {
    this.channel = channel;
    this.out = Channels.newOutputStream(channel);
    this.reader = Thread.ofVirtual().name("coordd-client-reader").start(this::readLoop);
  }

  /** Connects to the daemon of {@code home}, or says plainly that none runs there. */
  public static RpcConnection open(Path home) {
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
      return new RpcConnection(ch);
    } catch (IOException e) {
      throw new DaemonNotRunningException(notRunning + " (" + e.getMessage() + ")");
    }
  }

  /** Sends one request and waits for its answer; an error answer is thrown as its exception. */
  public JsonNode call(String method, JsonNode params) {
    if (closed) {
      throw new UnavailableException("the connection to the daemon is closed");
    }
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", id).put("method", method).set("params", params);
    try {
      byte[] line = (Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8);
      writeLock.lock();
      try {
        out.write(line);
        out.flush();
      } finally {
        writeLock.unlock();
      }
      JsonNode response = answer.get();
      if (response.hasNonNull("error")) {
        throw RpcErrors.fromError(response.get("error"));
      }
      return response.get("result");
    } catch (IOException e) {
      throw new UnavailableException("lost the connection to the daemon: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for the daemon", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof CoorddException ce
          ? ce
          : new UnavailableException("daemon call failed: " + e.getCause(), e.getCause());
    } finally {
      pending.remove(id);
    }
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
