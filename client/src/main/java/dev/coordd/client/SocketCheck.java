package dev.coordd.client;

import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.UnavailableException;
import dev.coordd.internal.Owners;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;

/**
 * A client talks only to a daemon of its own user: otherwise another local user who planted a
 * socket (in a loose home, or in the shared temp folder of relocated sockets) would receive our
 * tasks, prompts and results. Checked by numeric uid before connecting (the socket, and the folder
 * of a relocated one) and again after, on the peer's credentials, so a socket swapped in between is
 * caught too. Stateless.
 */
final class SocketCheck {
  private static final int TYPE_MASK = 0170000;
  private static final int TYPE_SOCKET = 0140000;
  private static final int TYPE_DIRECTORY = 0040000;

  private SocketCheck() {}

  /**
   * Checks what is at {@code socket} before connecting.
   *
   * @return the socket's owner, this process's user, for {@link #checkPeer}
   * @throws DaemonNotRunningException when nothing, or no socket, is there (saying what is)
   * @throws UnavailableException when the socket or its folder belongs to another user
   */
  static UserPrincipal beforeConnect(Path home, Path socket, String notRunning) {
    Path abs = home.toAbsolutePath().normalize();
    Path dir = socket.getParent();
    try {
      if (!dir.equals(abs)) {
        checkRelocatedFolder(dir);
      }
      int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int type = mode & TYPE_MASK;
      if (type != TYPE_SOCKET) {
        String what = type == TYPE_DIRECTORY ? "a folder" : "not a socket";
        throw new DaemonNotRunningException(
            notRunning
                + " ("
                + socket
                + " is "
                + what
                + "; the daemon cannot listen there until it is moved away or removed: rm "
                + (type == TYPE_DIRECTORY ? "-r " : "")
                + socket
                + ")");
      }
      long owner = Owners.uidOf(socket);
      if (owner != Owners.currentUid()) {
        throw new UnavailableException(
            "refusing the socket "
                + socket
                + ": it belongs to "
                + Owners.describe(owner, socket)
                + ", not to you ("
                + Owners.describeCurrent()
                + "), so it is not your daemon and could be someone posing as one. Run coordd as"
                + " the user who owns the home, or remove the socket (rm "
                + socket
                + ") and start your own daemon");
      }
      return Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new DaemonNotRunningException(notRunning);
    } catch (IOException | UnsupportedOperationException e) {
      throw new UnavailableException("cannot check the socket " + socket + ": " + e, e);
    }
  }

  /**
   * A relocated socket lives in a shared temp folder: that folder must be a real folder of ours, or
   * another user could put a socket of theirs in it.
   */
  private static void checkRelocatedFolder(Path dir) throws IOException {
    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    long owner = Owners.uidOf(dir);
    if ((mode & TYPE_MASK) != TYPE_DIRECTORY || owner != Owners.currentUid()) {
      throw new UnavailableException(
          "refusing the socket folder "
              + dir
              + ": it is "
              + ((mode & TYPE_MASK) == TYPE_DIRECTORY ? "a folder" : "not a real folder")
              + " of "
              + Owners.describe(owner, dir)
              + ", not yours ("
              + Owners.describeCurrent()
              + "); remove it (rm -r "
              + dir
              + ") and restart your daemon, or set java.io.tmpdir to a folder of your own");
    }
  }

  /** The process at the other end must run as the user who owns the socket: us. */
  static void checkPeer(SocketChannel ch, Path socket, UserPrincipal owner) throws IOException {
    UserPrincipal peer;
    try {
      peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
    } catch (UnsupportedOperationException e) {
      return; // no peer credentials on this platform: the checks on the socket file stand alone
    }
    // UserPrincipal equality compares uids, never names.
    if (!peer.equals(owner)) {
      throw new UnavailableException(
          "refusing the daemon on "
              + socket
              + ": it runs as "
              + peer.getName()
              + ", not as you ("
              + Owners.describeCurrent()
              + "); the socket was replaced after it was checked. Stop whatever listens there and"
              + " start your own daemon");
    }
  }
}
