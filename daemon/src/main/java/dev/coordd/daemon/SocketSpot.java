package dev.coordd.daemon;

import dev.coordd.api.CoorddException;
import dev.coordd.internal.Owners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What is at the socket's name before the daemon binds it. Nothing, or a socket of ours that a
 * daemon which died left behind (replaced when binding), is fine; anything else stops the start
 * with what is there and how to clear it, rather than being deleted or failing with a bare path.
 */
final class SocketSpot {
  private static final int TYPE_MASK = 0170000;
  private static final int TYPE_SOCKET = 0140000;
  private static final int TYPE_LINK = 0120000;
  private static final int TYPE_DIRECTORY = 0040000;
  private static final int TYPE_FILE = 0100000;

  private SocketSpot() {}

  static void check(Path socket) {
    int mode;
    long owner;
    try {
      mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      owner = Owners.uidOf(socket);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException | UnsupportedOperationException e) {
      return; // no POSIX view: the bind reports what it finds
    }
    int type = mode & TYPE_MASK;
    if (type == TYPE_SOCKET && owner == Owners.currentUid()) {
      return;
    }
    String what =
        switch (type) {
          case TYPE_SOCKET -> "a socket of " + Owners.describe(owner, socket) + ", not yours";
          case TYPE_DIRECTORY -> "a folder";
          case TYPE_LINK -> "a symbolic link";
          case TYPE_FILE -> "a regular file";
          default -> "a special file (a pipe or device)";
        };
    String remove = type == TYPE_DIRECTORY ? "rm -r " : "rm ";
    throw new CoorddException(
        "socket",
        "cannot listen on "
            + socket
            + ": "
            + what
            + " is there, where the daemon's socket goes, and coordd does not remove what it did"
            + " not create. Look at it, move it away or remove it ("
            + remove
            + socket
            + "), and start the daemon again");
  }
}
