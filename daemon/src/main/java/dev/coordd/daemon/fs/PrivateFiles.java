package dev.coordd.daemon.fs;

import dev.coordd.internal.Owners;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Files and folders only their owner can use: created 0600 and 0700 whatever the umask (the mode is
 * set again after the create, since the umask can only narrow the one asked for), and existing ones
 * tightened. Tightening takes away what group and others may do and leaves the owner's own bits
 * alone: a file the daemon made comes out 0600, a script someone keeps in the home stays runnable
 * by its owner. Only regular files and folders owned by this process's user are changed; links
 * (never followed), sockets, pipes and other users' files are left as they are. On a file system
 * without POSIX modes every method does nothing. Stateless and thread-safe.
 */
public final class PrivateFiles {
  /** Owner read and write: every file in the home. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  /** Owner only: every folder in the home. */
  public static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private static final int TYPE_MASK = 0170000;
  private static final int TYPE_FILE = 0100000;
  private static final int TYPE_DIRECTORY = 0040000;
  private static final int GROUP_AND_OTHERS = 0077;

  private PrivateFiles() {}

  /**
   * Creates {@code file} empty with mode 0600 unless something is at that name already; an existing
   * file of ours is tightened. Call it before a library (SQLite, logback, JLine) opens the file,
   * since those create files with the umask's mode.
   */
  public static void ensureFile(Path file) throws IOException {
    if (!posix(file)) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
      setMode(file, FILE);
    } catch (FileAlreadyExistsException e) {
      tighten(file);
    }
  }

  /** Creates the folder (and missing parents) with mode 0700, or tightens it if it exists. */
  public static void ensureDirectory(Path dir) throws IOException {
    if (!posix(dir)) {
      Files.createDirectories(dir);
      return;
    }
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      tighten(dir);
      return;
    }
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        && Owners.uidOf(dir) == Owners.currentUid()) {
      setMode(dir, DIRECTORY); // the umask may have narrowed the create below what we need
    }
  }

  /**
   * Takes group and other permissions off {@code path} if it is a regular file or a folder of ours.
   *
   * @return what changed, e.g. {@code coordd.db 0644 -> 0600}, or empty when nothing did
   */
  public static Optional<String> tighten(Path path) throws IOException {
    if (!posix(path)) {
      return Optional.empty();
    }
    Map<String, Object> attrs;
    try {
      attrs = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    int mode = (Integer) attrs.get("mode");
    int type = mode & TYPE_MASK;
    if ((type != TYPE_FILE && type != TYPE_DIRECTORY)
        || (mode & GROUP_AND_OTHERS) == 0
        || ((Number) attrs.get("uid")).longValue() != Owners.currentUid()) {
      return Optional.empty();
    }
    int narrowed = mode & 0700;
    setMode(path, PosixFilePermissions.fromString(symbolic(narrowed)));
    return Optional.of(path.getFileName() + " " + octal(mode) + " -> " + octal(narrowed));
  }

  /** True when group or others may do anything with {@code path}, which is not followed. */
  public static boolean isOpenToOthers(Path path) throws IOException {
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & GROUP_AND_OTHERS) != 0;
  }

  /** {@code 0644}: the permission bits of a {@code unix:mode}. */
  public static String octal(int mode) {
    return String.format("%04o", mode & 07777);
  }

  // Through the no-follow view: a link swapped in after the check is refused, never followed.
  private static void setMode(Path path, Set<PosixFilePermission> perms) throws IOException {
    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setPermissions(perms);
  }

  private static String symbolic(int mode) {
    String letters = "rwxrwxrwx";
    StringBuilder s = new StringBuilder(9);
    for (int i = 0; i < 9; i++) {
      s.append((mode & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
    }
    return s.toString();
  }

  static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("unix");
  }
}
