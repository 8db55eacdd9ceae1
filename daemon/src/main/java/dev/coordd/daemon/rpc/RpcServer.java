package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoorddException;
import dev.coordd.client.RpcErrors;
import dev.coordd.client.SocketPaths;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over the home's Unix socket, one message per line. Each connection has a virtual
 * thread that answers its requests in order; a {@link dev.coordd.api.LongWait} call runs on a
 * virtual thread of its own, so a long {@code awaitTask} holds no platform thread and does not
 * block the requests behind it. Bad input gets an error answer; the connection and the daemon go
 * on. Thread-safe.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final MethodTable methods;
  private final int maxLineBytes;
  private final Path socket;
  private final ServerSocketChannel server;
  private final UserPrincipal owner;
  private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean open = true;

  /**
   * Binds the home's socket. The caller holds the home lock, so a socket file already there was
   * left by a daemon that died: it is replaced.
   */
  public RpcServer(Path home, MethodTable methods, int maxLineBytes) throws IOException {
    this.methods = methods;
    this.maxLineBytes = maxLineBytes;
    this.socket = SocketPaths.forHome(home);
    if (!socket.getParent().equals(home.toAbsolutePath().normalize())) {
      privateDirectory(socket.getParent());
    }
    Files.deleteIfExists(socket);
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    this.owner = Files.getOwner(socket);
    this.acceptor = Thread.ofPlatform().name("coordd-rpc-accept").daemon(true).start(this::accept);
    log.info("listening on {}", socket);
  }

  /** The relocated-socket folder must be ours alone, or someone could pose as the daemon. */
  private static void privateDirectory(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " must be a real folder, not a link");
    }
    String me = System.getProperty("user.name");
    if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(me)) {
      throw new IOException(dir + " belongs to someone else; remove it or set java.io.tmpdir");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  public Path socket() {
    return socket;
  }

  private void accept() {
    while (open) {
      try {
        SocketChannel ch = server.accept();
        if (!samePeer(ch)) {
          ch.close();
          continue;
        }
        connections.add(ch);
        Thread.ofVirtual().name("coordd-rpc-conn").start(() -> serve(ch));
      } catch (IOException e) {
        if (open) {
          log.warn("accept failed; going on", e);
        }
      }
    }
  }

  /** Only the user who runs the daemon may talk to it (the socket mode says so too). */
  private boolean samePeer(SocketChannel ch) {
    try {
      UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (peer.user().getName().equals(owner.getName())) {
        return true;
      }
      log.warn("refused a connection from user {}", peer.user().getName());
      return false;
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot read peer credentials; refusing the connection", e);
      return false;
    }
  }

  private void serve(SocketChannel ch) {
    OutputStream out = Channels.newOutputStream(ch);
    ReentrantLock writeLock = new ReentrantLock();
    LineReader in = new LineReader(Channels.newInputStream(ch), maxLineBytes);
    Set<Thread> waits = ConcurrentHashMap.newKeySet();
    try (ch) {
      LineReader.Line line;
      while ((line = in.readLine()) != null) {
        if (!line.tooLong() && line.text().isBlank()) {
          continue;
        }
        Incoming request = parse(line);
        Runnable call =
            () -> {
              JsonNode answer = handle(request);
              if (answer != null) {
                write(out, writeLock, answer);
              }
            };
        if (methods.isLongWait(request.method())) {
          Thread wait =
              Thread.ofVirtual()
                  .name("coordd-rpc-wait")
                  .unstarted(
                      () -> {
                        try {
                          call.run();
                        } finally {
                          waits.remove(Thread.currentThread());
                        }
                      });
          waits.add(wait);
          wait.start();
        } else {
          call.run();
        }
      }
    } catch (IOException e) {
      // the peer went away; nothing to answer
    } finally {
      connections.remove(ch);
      // The caller is gone: its long waits must not go on to claim work nobody will receive.
      waits.forEach(Thread::interrupt);
    }
  }

  /** A request line read: the parsed request, or the error answer for a line that is not JSON. */
  private record Incoming(JsonNode request, JsonNode rejection) {
    String method() {
      return request == null ? "" : request.path("method").asText("");
    }
  }

  private Incoming parse(LineReader.Line line) {
    if (line.tooLong()) {
      return rejected(
          idIn(line.text()),
          RpcErrors.error(
              RpcErrors.INVALID_REQUEST,
              "request line exceeds " + maxLineBytes + " bytes; send smaller messages"));
    }
    try {
      return new Incoming(Json.MAPPER.readTree(line.text()), null);
    } catch (IOException e) {
      return rejected(
          NullNode.getInstance(),
          RpcErrors.error(
              RpcErrors.PARSE_ERROR,
              "not valid JSON: " + e.getMessage().lines().findFirst().orElse("")));
    }
  }

  private static final Pattern LEADING_ID =
      Pattern.compile("\"id\"\\s*:\\s*(-?\\d{1,18}|\"[^\"\\\\]{0,100}\")");

  /**
   * The id of an oversized request, when it comes early in the line (as clients write it), so the
   * caller waiting on that id gets its error instead of waiting forever.
   */
  static JsonNode idIn(String head) {
    Matcher m = LEADING_ID.matcher(head);
    if (!m.find()) {
      return NullNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(m.group(1));
    } catch (IOException e) {
      return NullNode.getInstance();
    }
  }

  private static Incoming rejected(JsonNode id, ObjectNode error) {
    return new Incoming(null, answer(id, null, error));
  }

  /** One request in, one answer out (null for a notification). */
  private JsonNode handle(Incoming incoming) {
    if (incoming.rejection() != null) {
      return incoming.rejection();
    }
    JsonNode request = incoming.request();
    JsonNode id = request.isObject() ? request.get("id") : null;
    JsonNode replyId = id == null ? NullNode.getInstance() : id;
    if (!request.isObject()
        || !"2.0".equals(request.path("jsonrpc").asText())
        || !request.path("method").isTextual()) {
      return answer(
          replyId,
          null,
          RpcErrors.error(
              RpcErrors.INVALID_REQUEST,
              "expected a JSON-RPC 2.0 request object: {\"jsonrpc\":\"2.0\",\"id\":1,"
                  + "\"method\":\"...\",\"params\":{...}} (batches are not supported)"));
    }
    String method = request.get("method").asText();
    if (!methods.has(method)) {
      return answer(
          replyId,
          null,
          RpcErrors.error(
              RpcErrors.METHOD_NOT_FOUND,
              "unknown method '" + method + "'; methods: " + methods.names()));
    }
    JsonNode result;
    try {
      result = methods.invoke(method, request.get("params"));
    } catch (CoorddException e) {
      return id == null ? null : answer(replyId, null, RpcErrors.toError(e));
    } catch (RuntimeException e) {
      log.error("method {} failed", method, e);
      return id == null
          ? null
          : answer(
              replyId, null, RpcErrors.error(RpcErrors.INTERNAL_ERROR, "internal error: " + e));
    }
    return id == null ? null : answer(replyId, result, null);
  }

  private static JsonNode answer(JsonNode id, JsonNode result, ObjectNode error) {
    ObjectNode response = Json.MAPPER.createObjectNode();
    response.put("jsonrpc", "2.0").set("id", id);
    if (error != null) {
      response.set("error", error);
    } else {
      response.set("result", result);
    }
    return response;
  }

  private static void write(OutputStream out, ReentrantLock lock, JsonNode answer) {
    byte[] bytes = (Json.write(answer) + "\n").getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // the caller hung up before its answer; nothing else to do
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting, closes every connection (waiters see the end), removes the socket file. */
  @Override
  public void close() {
    open = false;
    try {
      server.close();
    } catch (IOException e) {
      log.warn("closing the socket failed", e);
    }
    for (SocketChannel ch : connections) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("could not remove {}", socket, e);
    }
  }
}
