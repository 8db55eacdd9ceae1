package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.client.RpcErrors;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.watch.Watchdog;
import dev.coordd.internal.Json;
import dev.coordd.internal.Owners;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
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
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over the home's Unix socket, one message per line. The acceptor admits only the
 * daemon's own uid, and at most {@link SocketLimits#maxConnections} connections at once; each
 * {@link Connection} answers on virtual threads of its own, so no caller can hold the acceptor. Bad
 * input gets an error answer; the connection and the daemon go on. Connections that send nothing
 * for {@link SocketLimits#idleTimeout}, with nothing in progress, are closed. Thread-safe.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
  private static final long ACCEPT_RETRY_MILLIS = 50;

  private final MethodTable methods;
  private final SocketLimits limits;
  private final Requests requests;
  private final Path socket;
  private final ServerSocketChannel server;
  private final UserPrincipal owner;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Watchdog watchdog;
  private final Thread acceptor;
  private final Thread idleSweep;
  private volatile boolean open = true;

  /**
   * Binds the home's socket. The caller holds the home lock, so a socket file already there was
   * left by a daemon that died: it is replaced.
   */
  public RpcServer(Path home, MethodTable methods, SocketLimits limits) throws IOException {
    this.methods = methods;
    this.limits = limits;
    this.requests = new Requests(methods, limits);
    this.socket = SocketPaths.forHome(home);
    if (!socket.getParent().equals(home.toAbsolutePath().normalize())) {
      privateDirectory(socket.getParent());
    }
    Files.deleteIfExists(socket);
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    this.owner = Files.getOwner(socket);
    this.watchdog = Watchdog.start("the socket acceptor", Watchdog.DEFAULT_LIMIT);
    this.acceptor = Thread.ofPlatform().name("coordd-rpc-accept").daemon(true).start(this::accept);
    this.idleSweep = Thread.ofVirtual().name("coordd-rpc-idle").start(this::sweepIdle);
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
    // Numeric uids: a name lookup can fail (a flaky directory service) and must not lock us out.
    if (Owners.uidOf(dir) != Owners.currentUid()) {
      throw new IOException(
          dir
              + " belongs to "
              + Owners.describe(Owners.uidOf(dir), dir)
              + ", not to "
              + Owners.describeCurrent()
              + "; remove it or set java.io.tmpdir");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /** Connections open now (for the metrics). */
  public int openConnections() {
    return connections.size();
  }

  public Path socket() {
    return socket;
  }

  private void accept() {
    while (open) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        if (open) {
          log.warn("accept failed; going on", e);
          pauseAfterFailedAccept();
        }
        continue;
      }
      watchdog.begin("admitting a connection");
      try {
        admit(ch);
      } finally {
        watchdog.end();
      }
    }
  }

  /**
   * A failing accept (descriptors exhausted, say) fails again at once: a short pause keeps the loop
   * from spinning a core and flooding the log until descriptors are free again.
   */
  private static void pauseAfterFailedAccept() {
    try {
      Thread.sleep(ACCEPT_RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void admit(SocketChannel ch) {
    if (!samePeer(ch)) {
      closeQuietly(ch);
      return;
    }
    if (connections.size() >= limits.maxConnections()) {
      refuseOverCap(ch);
      return;
    }
    Connection c = new Connection(ch, requests, methods, limits.maxLineBytes());
    connections.add(c);
    Thread.ofVirtual()
        .name("coordd-rpc-conn")
        .start(
            () -> {
              try {
                c.serve();
              } finally {
                connections.remove(c);
              }
            });
  }

  /**
   * Only the user who runs the daemon may talk to it (the socket mode says so too). Compared by
   * numeric uid: the JDK's Unix user principals are equal when their uids are, and a peer whose
   * name cannot be looked up (descriptors exhausted, a flaky directory service) is still the same
   * uid.
   */
  private boolean samePeer(SocketChannel ch) {
    try {
      UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (peer.user().equals(owner)) {
        return true;
      }
      log.warn("refused a connection from user {}", peer.user().getName());
      return false;
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot read peer credentials; refusing the connection", e);
      return false;
    }
  }

  /**
   * Says why before closing. The write cannot block the acceptor: the socket is switched to
   * non-blocking, and a new socket's buffer has room for one short line.
   */
  private void refuseOverCap(SocketChannel ch) {
    String message =
        "too many connections: the daemon serves at most "
            + limits.maxConnections()
            + " at once (socket.maxConnections). Close connections you no longer use, or raise"
            + " socket.maxConnections in the daemon's configuration and restart it";
    log.warn("refused a connection: {} are open (socket.maxConnections)", connections.size());
    byte[] line =
        (Json.write(
                    Requests.answer(
                        NullNode.getInstance(),
                        null,
                        RpcErrors.error(RpcErrors.UNAVAILABLE, message)))
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    try {
      ch.configureBlocking(false);
      ch.write(ByteBuffer.wrap(line));
    } catch (IOException e) {
      // the caller is gone already
    }
    closeQuietly(ch);
  }

  /** Closes connections that sent nothing for the idle timeout while nothing of theirs ran. */
  private void sweepIdle() {
    long timeout = limits.idleTimeout().toNanos();
    long period = Math.clamp(limits.idleTimeout().toMillis() / 4, 10, 1_000);
    String why =
        "closing this connection: it sent nothing for "
            + limits.idleTimeout()
            + " with no request in progress (socket.idleTimeout); reconnect to go on";
    while (open) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Connection c : connections) {
        if (c.idle(now, timeout)) {
          c.closeIdle(why);
        }
      }
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Stops accepting, closes every connection (waiters see the end), removes the socket file. */
  @Override
  public void close() {
    open = false;
    idleSweep.interrupt();
    watchdog.close();
    try {
      server.close();
    } catch (IOException e) {
      log.warn("closing the socket failed", e);
    }
    connections.forEach(Connection::close);
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("could not remove {}", socket, e);
    }
  }
}
