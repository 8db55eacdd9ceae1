package dev.coordd.daemon.builtin;

import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.daemon.handler.TaskFailure;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Confines user-supplied paths to a set of root folders and opens them so they stay confined while
 * the folders change underneath.
 *
 * <p>A path is walked from an open root handle one name at a time, each folder opened relative to
 * the previous one without following links ({@link SecureFolder}: openat with O_NOFOLLOW). A
 * symlink met on the way is never followed by the kernel: its text is read and judged as a new path
 * (relative targets continue from the folder holding the link, absolute ones must lie inside a
 * root, and {@code ..} above a root is judged as a path too), then walked the same way. So a folder
 * swapped for a link between two requests, or in the middle of one, can at worst make the request
 * fail; it cannot make it read or write outside the roots. Checking the path first and opening it
 * afterwards, as this class once did, left exactly that window open.
 *
 * <p>Lexical {@code ..} in the user's path is collapsed first, so {@code a/link/../b} is {@code
 * a/b}, never a folder beside the link's target; the same is done for an absolute link target.
 */
public final class PathSandbox {
  /** Links followed, and retries after a folder changed while being opened, per request. */
  private static final int MAX_HOPS = 40;

  private final List<Path> roots;
  private final List<Path> excluded;

  /**
   * @param roots absolute folders; relative task paths resolve against the first
   */
  public PathSandbox(List<Path> roots) {
    this(roots, List.of());
  }

  /**
   * @param excluded folders inside the roots that stay off limits (the daemon's own home: its
   *     database, lock, tokens and inbox must not be reachable through a task)
   */
  public PathSandbox(List<Path> roots, List<Path> excluded) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("a path sandbox needs at least one root folder");
    }
    for (Path root : roots) {
      if (!root.isAbsolute()) {
        throw new IllegalArgumentException("sandbox root must be absolute: " + root);
      }
    }
    this.roots = roots.stream().map(Path::normalize).toList();
    this.excluded = excluded.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  /** The roots as configured. */
  public List<Path> roots() {
    return roots;
  }

  /**
   * Walks {@code userPath} from a root and returns its last entry, relative to the open folder that
   * holds it. The caller closes the result.
   *
   * @param followLast whether a link as the last entry is followed (reads, list, stat) or left as
   *     the entry (write, append, delete act on the entry itself)
   * @param createFolders whether missing folders on the way are created
   */
  SandboxedPath open(String userPath, boolean followLast, boolean createFolders)
      throws TaskFailure, IOException {
    Deque<SecureFolder> opened = new ArrayDeque<>();
    Deque<String> todo = new ArrayDeque<>();
    boolean handedOver = false;
    try {
      restart(userPath, lexical(userPath), opened, todo);
      int hops = 0;
      Path lastCreated = null;
      while (true) {
        SecureFolder here = opened.peek();
        String name = todo.pollFirst();
        if (name == null) {
          allowed(userPath, here.location());
          handedOver = true;
          return new SandboxedPath(opened, null, here.attributes(), here.location(), null);
        }
        if (name.equals(".")) {
          continue;
        }
        if (name.equals("..")) {
          if (opened.size() > 1) {
            opened.pop().close(); // back to the folder we came through, not the kernel's ".."
          } else {
            // Above a root: where that lands is judged like any other path.
            restart(userPath, joined(here.location().resolve(".."), todo), opened, todo);
          }
          continue;
        }
        Path location = here.location().resolve(name);
        allowed(userPath, location);
        BasicFileAttributes attrs = here.attributes(name);
        boolean last = todo.isEmpty();
        if (attrs != null && attrs.isSymbolicLink() && (followLast || !last)) {
          hops = hop(userPath, hops);
          Path target;
          try {
            // Read by path, so it may be some other link's text after a swap: that is only text,
            // judged below like the user's own path before anything is opened through it.
            target = Files.readSymbolicLink(location);
          } catch (NotLinkException | NoSuchFileException e) {
            todo.addFirst(name); // replaced since the look; look again
            continue;
          }
          if (target.isAbsolute()) {
            restart(userPath, joined(target, todo), opened, todo);
          } else {
            List<String> names = names(target);
            for (int i = names.size() - 1; i >= 0; i--) {
              todo.addFirst(names.get(i));
            }
          }
          continue;
        }
        if (last) {
          handedOver = true;
          return new SandboxedPath(opened, name, attrs, location, null);
        }
        if (attrs == null) {
          if (!createFolders) {
            handedOver = true;
            return new SandboxedPath(opened, name, null, joined(location, todo), location);
          }
          if (location.equals(lastCreated)) {
            hops = hop(userPath, hops); // removed again as soon as made; do not loop forever
          }
          lastCreated = location;
          createFolder(opened, name);
          todo.addFirst(name);
          continue;
        }
        if (!attrs.isDirectory()) {
          throw TaskFailure.permanent(
              "invalid", "'" + userPath + "': " + location + " exists and is not a folder");
        }
        try {
          opened.push(here.child(name));
        } catch (FileSystemException e) {
          BasicFileAttributes now = here.attributes(name);
          if (now != null && now.isDirectory()) {
            throw e; // Not a swap: still a folder, so something else (permissions) refused it.
          }
          // Swapped for a link or a file since the look (O_NOFOLLOW refused it); look again.
          hops = hop(userPath, hops);
          todo.addFirst(name);
        }
      }
    } finally {
      if (!handedOver) {
        closeAll(opened);
      }
    }
  }

  /** Whether a location returned by {@link #open} is one of the roots themselves. */
  boolean isRoot(Path location) throws TaskFailure {
    return realRoots().contains(location);
  }

  /** Replaces the walk so far with a fresh one from the root that {@code lexical} lies in. */
  private void restart(
      String userPath, Path lexical, Deque<SecureFolder> opened, Deque<String> todo)
      throws TaskFailure, IOException {
    closeAll(opened);
    todo.clear();
    Path normal = lexical.normalize();
    for (Path root : realRoots()) {
      if (normal.startsWith(root)) {
        opened.push(openRoot(root));
        todo.addAll(names(root.relativize(normal)));
        return;
      }
    }
    for (int i = 0; i < roots.size(); i++) {
      if (normal.startsWith(roots.get(i))) {
        Path root = realRoots().get(i); // a configured root that is itself a link
        opened.push(openRoot(root));
        todo.addAll(names(roots.get(i).relativize(normal)));
        return;
      }
    }
    // Outside every root as spelled, but links outside the roots (trusted: not ours to guard) may
    // still lead into one; that real location is only a starting hint, walked like the rest.
    Path real = realLocation(userPath, normal);
    for (Path root : realRoots()) {
      if (real.startsWith(root)) {
        opened.push(openRoot(root));
        todo.addAll(names(root.relativize(real)));
        return;
      }
    }
    throw TaskFailure.permanent(
        "sandbox",
        "'" + userPath + "' resolves to " + real + ", outside the allowed roots " + roots);
  }

  private static SecureFolder openRoot(Path root) throws TaskFailure, IOException {
    try {
      return SecureFolder.openRoot(root);
    } catch (NoSuchFileException e) {
      throw TaskFailure.permanent(
          "not_found",
          "sandbox root "
              + root
              + " does not exist; create it, or fix fileRoots in the daemon's configuration");
    }
  }

  /**
   * Java has no mkdirat, so a folder is made by path only directly inside a root (its path is
   * trusted configuration, and mkdir never follows a link at its last name), under a temporary
   * name, then renamed into the open parent relative to both handles (renameat). A folder on the
   * way swapped for a link meanwhile therefore cannot redirect it.
   */
  private static void createFolder(Deque<SecureFolder> opened, String name) throws IOException {
    SecureFolder root = opened.peekLast();
    SecureFolder parent = opened.peek();
    String temp = AtomicFiles.tempName(name);
    Files.createDirectory(root.location().resolve(temp));
    try {
      root.move(temp, parent, name);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot create folder "
              + parent.location().resolve(name)
              + ": it is on another file system than the root "
              + root.location()
              + " (a mount inside the root); create it first, then retry",
          e);
    } catch (IOException e) {
      if (parent.attributes(name) == null) {
        throw e;
      } // Created by someone else meanwhile: theirs is used.
    } finally {
      try {
        root.deleteDirectory(temp);
      } catch (IOException e) {
        // Moved into place (gone), as intended.
      }
    }
  }

  private static int hop(String userPath, int hops) throws TaskFailure {
    if (hops >= MAX_HOPS) {
      throw TaskFailure.permanent(
          "sandbox",
          "'"
              + userPath
              + "' goes through more than "
              + MAX_HOPS
              + " symbolic links, or its folders kept changing while it was opened; check for a"
              + " link that points to itself");
    }
    return hops + 1;
  }

  private void allowed(String userPath, Path location) throws TaskFailure {
    for (Path off : excluded) {
      Path realOff = realLocation(off.toString(), off);
      if (location.startsWith(realOff)) {
        throw TaskFailure.permanent(
            "sandbox",
            "'"
                + userPath
                + "' is inside "
                + off
                + ", the daemon's own folder, which tasks may not touch");
      }
    }
  }

  private Path lexical(String userPath) throws TaskFailure {
    if (userPath == null || userPath.isBlank()) {
      throw TaskFailure.permanent("sandbox", "path is empty; allowed roots: " + roots);
    }
    if (userPath.indexOf('\0') >= 0) {
      throw TaskFailure.permanent(
          "sandbox", "path contains a NUL character: " + printable(userPath));
    }
    try {
      return roots.get(0).resolve(Path.of(userPath)).normalize();
    } catch (InvalidPathException e) {
      throw TaskFailure.permanent("sandbox", "not a valid path: " + printable(userPath));
    }
  }

  /**
   * The real path of the deepest ancestor that exists (symlinks in it followed), with the rest
   * appended. Used only to judge where a path outside the roots leads, never to open it.
   */
  private static Path realLocation(String userPath, Path lexical) throws TaskFailure {
    Path existing = lexical;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return lexical; // Not even "/" exists: nothing to follow.
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(lexical));
    } catch (IOException e) {
      // A dangling or looping link: where it leads cannot be checked, so it is not used.
      throw TaskFailure.permanent(
          "sandbox",
          "cannot resolve '"
              + userPath
              + "' ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); a symbolic link in it may be broken");
    }
  }

  /** Computed per call so a root created or re-linked after start-up is judged as it is now. */
  private List<Path> realRoots() throws TaskFailure {
    List<Path> real = new ArrayList<>(roots.size());
    for (Path root : roots) {
      real.add(realLocation(root.toString(), root));
    }
    return real;
  }

  private static Path joined(Path base, Deque<String> rest) {
    return rest.isEmpty() ? base : base.resolve(String.join("/", rest));
  }

  private static List<String> names(Path relative) {
    List<String> names = new ArrayList<>();
    for (Path name : relative) {
      if (!name.toString().isEmpty()) {
        names.add(name.toString());
      }
    }
    return names;
  }

  private static void closeAll(Deque<SecureFolder> opened) throws IOException {
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
  }

  private static String printable(String text) {
    return text.replace("\0", "\\0");
  }
}
