package dev.coordd.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Who owns a file, and who we are, as numeric uids. Names are never compared: a name lookup can
 * fail (file descriptors exhausted, a flaky directory service) or two names can share a uid, and
 * the kernel decides access by number. Names appear only in messages, for people. Stateless and
 * thread-safe.
 */
public final class Owners {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private static volatile long currentUid = -1;

  private Owners() {}

  /**
   * The effective uid of this process: the owner of every file and socket it creates. Read from
   * {@code /proc/self/status} on Linux; elsewhere from the owner of a temp file created to ask.
   */
  public static long currentUid() {
    long uid = currentUid;
    if (uid < 0) {
      try {
        uid = Files.isReadable(PROC_STATUS) ? uidFromProc() : uidFromTempFile();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot tell which user this process runs as: " + e, e);
      }
      currentUid = uid;
    }
    return uid;
  }

  /** The effective uid from the {@code Uid:} line (real, effective, saved, file system). */
  static long uidFromProc() throws IOException {
    for (String line : Files.readAllLines(PROC_STATUS)) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
      }
    }
    throw new IOException(PROC_STATUS + " has no Uid: line");
  }

  /** Whoever owns a file this process just created. */
  static long uidFromTempFile() throws IOException {
    Path probe = Files.createTempFile("coordd-uid-", ".tmp");
    try {
      return uidOf(probe);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** The uid that owns {@code path} itself (a link is not followed). */
  public static long uidOf(Path path) throws IOException {
    return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  /** {@code uid 65534 (nobody)} for messages; just the number when the name cannot be found. */
  public static String describe(long uid, Path owned) {
    String name;
    try {
      name = Files.getOwner(owned, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (IOException | RuntimeException e) {
      name = null;
    }
    return name == null || name.equals(Long.toString(uid))
        ? "uid " + uid
        : "uid " + uid + " (" + name + ")";
  }

  /** {@code uid 0 (root)}: this process's user, for messages. */
  public static String describeCurrent() {
    String name = System.getProperty("user.name");
    long uid = currentUid();
    return name == null || name.isBlank() || name.equals("?")
        ? "uid " + uid
        : "uid " + uid + " (" + name + ")";
  }
}
