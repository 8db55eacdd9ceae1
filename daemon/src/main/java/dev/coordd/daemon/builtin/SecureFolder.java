package dev.coordd.daemon.builtin;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An open folder: every operation on its entries is relative to the open handle (openat, fstatat,
 * renameat, unlinkat) and never follows a link at the entry, so once this folder is open no path
 * above it is looked at again. Swapping a folder on the way for a symlink cannot redirect what
 * happens here: the handle stays on the folder that was opened.
 *
 * <p>Why {@link SecureDirectoryStream} and not checking the opened file afterwards: Java does not
 * expose a channel's descriptor, so {@code /proc/self/fd/N} cannot be read without reflection into
 * the JDK; Linux's {@code sun.nio.fs} gives openat-style access through this standard interface.
 */
final class SecureFolder implements Closeable {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final SecureDirectoryStream<Path> handle;
  private final Path location;

  private SecureFolder(SecureDirectoryStream<Path> handle, Path location) {
    this.handle = handle;
    this.location = location;
  }

  /**
   * Opens a sandbox root by its path. The root's own path is configuration, trusted; everything
   * below it is opened relative to this handle.
   */
  static SecureFolder openRoot(Path realRoot) throws IOException {
    DirectoryStream<Path> stream = Files.newDirectoryStream(realRoot);
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return new SecureFolder(secure, realRoot);
    }
    stream.close();
    throw new IOException(
        "this platform offers no openat-style folder access (SecureDirectoryStream), so"
            + " file_operation cannot keep paths inside "
            + realRoot
            + " while links change; run the daemon on Linux");
  }

  /** Where this folder was when it was opened: a root's real path plus the names walked. */
  Path location() {
    return location;
  }

  /** The entry's own attributes (a link is reported as a link), or null when there is none. */
  BasicFileAttributes attributes(String name) throws IOException {
    try {
      return handle
          .getFileAttributeView(entry(name), BasicFileAttributeView.class, NOFOLLOW)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** This folder's own attributes (fstat on the handle). */
  BasicFileAttributes attributes() throws IOException {
    return handle.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
  }

  /** The permissions of the entry itself, never of what a link at it points to. */
  Set<PosixFilePermission> permissions(String name) throws IOException {
    return handle
        .getFileAttributeView(entry(name), PosixFileAttributeView.class, NOFOLLOW)
        .readAttributes()
        .permissions();
  }

  void setPermissions(String name, Set<PosixFilePermission> permissions) throws IOException {
    handle
        .getFileAttributeView(entry(name), PosixFileAttributeView.class, NOFOLLOW)
        .setPermissions(permissions);
  }

  /** Opens the sub-folder {@code name}; fails if it is a link (ELOOP) or not a folder. */
  SecureFolder child(String name) throws IOException {
    return new SecureFolder(
        handle.newDirectoryStream(entry(name), NOFOLLOW), location.resolve(name));
  }

  /** Opens the entry {@code name} with O_NOFOLLOW added to {@code options}. */
  FileChannel open(String name, Set<OpenOption> options, FileAttribute<?>... attributes)
      throws IOException {
    Set<OpenOption> nofollow = new HashSet<>(options);
    nofollow.add(LinkOption.NOFOLLOW_LINKS);
    SeekableByteChannel channel = handle.newByteChannel(entry(name), nofollow, attributes);
    if (channel instanceof FileChannel file) {
      return file;
    }
    channel.close();
    throw new IOException(
        "opening " + location.resolve(name) + " gave no FileChannel, so it cannot be fsynced");
  }

  /** Renames an entry of this folder to {@code toName} in {@code to}, replacing what is there. */
  void move(String name, SecureFolder to, String toName) throws IOException {
    handle.move(entry(name), to.handle, entry(toName));
  }

  void deleteFile(String name) throws IOException {
    handle.deleteFile(entry(name));
  }

  void deleteDirectory(String name) throws IOException {
    handle.deleteDirectory(entry(name));
  }

  /** The names in this folder. A handle can be listed once; open the folder again to re-list. */
  List<String> names() {
    List<String> names = new ArrayList<>();
    for (Path child : handle) {
      names.add(child.getFileName().toString());
    }
    return names;
  }

  /** Makes renames into or out of this folder durable; best effort where unsupported. */
  void sync() {
    try (SeekableByteChannel channel =
        handle.newByteChannel(entry("."), Set.of(StandardOpenOption.READ))) {
      if (channel instanceof FileChannel file) {
        file.force(true);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems refuse to fsync a folder; the rename is still atomic.
    }
  }

  @Override
  public void close() throws IOException {
    handle.close();
  }

  /** A single name, so the handle resolves it relative to itself (an absolute path would not). */
  private static Path entry(String name) {
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("not a single folder entry name: '" + name + "'");
    }
    return Path.of(name);
  }
}
