package dev.coordd.daemon.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes and moves files so a reader never sees half of one: a temp file in the same folder
 * (created with O_EXCL, so a link planted at its name is never followed), fsynced, renamed over the
 * target, then the folder fsynced so the rename survives a crash. The one place coordd does this;
 * stateless and thread-safe.
 */
public final class AtomicFiles {
  /** Owner read and write only: what the daemon's own files get. */
  public static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");

  private AtomicFiles() {}

  /** Writes a private (0600) file atomically, replacing whatever was there. */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, PRIVATE, false);
  }

  /**
   * Replaces a file atomically keeping its permissions; a new file gets {@code newFileMode}, or the
   * process's default (umask) when that is null.
   */
  public static void replace(Path target, byte[] content, Set<PosixFilePermission> newFileMode)
      throws IOException {
    write(target, content, newFileMode, true);
  }

  private static void write(
      Path target, byte[] content, Set<PosixFilePermission> mode, boolean keepExisting)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Set<PosixFilePermission> perms = mode;
    if (keepExisting && posix(dir) && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      perms = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
    }
    Path tmp = dir.resolve(tempName(target.getFileName().toString()));
    try {
      try (FileChannel ch = create(tmp, perms)) {
        writeFully(ch, content);
        ch.force(true); // the content is on disk before the name that makes it visible
      }
      if (perms != null && posix(dir)) {
        Files.setPosixFilePermissions(tmp, perms); // the umask may have narrowed the create
      }
      moveReplacing(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(dir);
  }

  /**
   * Renames {@code from} to {@code to} atomically and makes the rename durable. Falls back to a
   * plain move only when the two are on different file systems (a symlinked folder).
   */
  public static Path move(Path from, Path to) throws IOException {
    Path moved;
    try {
      moved = Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      moved = Files.move(from, to);
    }
    syncDirectory(to.toAbsolutePath().getParent());
    return moved;
  }

  private static void moveReplacing(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes a rename into or out of {@code dir} durable; best effort where unsupported. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some file systems refuse to fsync a directory; the rename is still atomic
    }
  }

  /** Creates the folder (and missing parents) private (0700), or tightens it if it exists. */
  public static void privateDirectory(Path dir) throws IOException {
    PrivateFiles.ensureDirectory(dir);
  }

  /** {@code .<name>.<16 hex>.tmp}: hidden, unique, and ignored by every folder scan. */
  public static String tempName(String name) {
    return "."
        + name
        + "."
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
        + ".tmp";
  }

  private static FileChannel create(Path tmp, Set<PosixFilePermission> perms) throws IOException {
    Set<StandardOpenOption> options =
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      if (perms != null && posix(tmp.getParent())) {
        FileAttribute<?> attr = PosixFilePermissions.asFileAttribute(perms);
        return FileChannel.open(tmp, options, attr);
      }
      return FileChannel.open(tmp, options);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("temp file " + tmp + " already exists; refusing to follow it", e);
    }
  }

  private static void writeFully(FileChannel ch, byte[] content) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(content);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static boolean posix(Path dir) {
    return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
