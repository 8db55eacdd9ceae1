package dev.coordd.daemon.builtin;

import dev.coordd.daemon.handler.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Confines user-supplied paths to a set of root folders, judging each path by where it really
 * lands: lexical {@code ..} is collapsed first, then every symlink in the existing part of the path
 * is followed, and the result must lie inside the real path of a root.
 *
 * <p>What is returned is that real location, so callers act on the very path that was checked
 * rather than re-walking the user's spelling of it. {@link #resolve} follows a symlink in the last
 * component (fine for reads as long as it lands inside a root); {@link #resolveTarget} refuses one,
 * so a link planted where a write, append or delete is aimed cannot redirect it.
 *
 * <p>A race remains: between this check and the operation, someone with write access inside a root
 * could swap a checked folder for a symlink. That is accepted because the sandbox guards against
 * task data naming paths it should not, not against a hostile local user who can already write in
 * the roots (and could do harm there directly); closing it fully would need openat-style
 * descriptor-relative I/O that Java does not offer. Callers narrow it further by opening the last
 * component with {@link LinkOption#NOFOLLOW_LINKS}.
 */
public final class PathSandbox {
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

  /** The real location of {@code userPath}, following symlinks all the way; for reads. */
  public Path resolve(String userPath) throws TaskFailure {
    Path lexical = lexical(userPath);
    return contained(userPath, realLocation(userPath, lexical));
  }

  /**
   * The real location of {@code userPath} with its last component not followed; for writes, appends
   * and deletes. Refuses when that last component is a symlink.
   */
  public Path resolveTarget(String userPath) throws TaskFailure {
    Path lexical = lexical(userPath);
    Path parent = lexical.getParent();
    if (parent == null) {
      // The filesystem root has no last component to leave unfollowed.
      return contained(userPath, realLocation(userPath, lexical));
    }
    Path target =
        contained(userPath, realLocation(userPath, parent).resolve(lexical.getFileName()));
    if (Files.isSymbolicLink(target)) {
      throw TaskFailure.permanent(
          "sandbox",
          "'" + userPath + "' is a symbolic link; write, append and delete do not follow links");
    }
    return target;
  }

  /** Whether a path returned by this sandbox is one of the roots themselves. */
  public boolean isRoot(Path resolved) throws TaskFailure {
    return realRoots().contains(resolved);
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
      // Collapsing ".." before following links means "a/link/../b" is "a/b", never a folder
      // beside the link's target; what is checked is then exactly what is used.
      return roots.get(0).resolve(Path.of(userPath)).normalize();
    } catch (InvalidPathException e) {
      throw TaskFailure.permanent("sandbox", "not a valid path: " + printable(userPath));
    }
  }

  /**
   * The real path of the deepest ancestor that exists (symlinks in it followed), with the rest,
   * which does not exist and so holds no links, appended.
   */
  private Path realLocation(String userPath, Path lexical) throws TaskFailure {
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

  private Path contained(String userPath, Path real) throws TaskFailure {
    for (Path off : excluded) {
      Path realOff = realLocation(off.toString(), off);
      if (real.startsWith(realOff)) {
        throw TaskFailure.permanent(
            "sandbox",
            "'"
                + userPath
                + "' is inside "
                + off
                + ", the daemon's own folder, which tasks may not touch");
      }
    }
    for (Path root : realRoots()) {
      if (real.startsWith(root)) {
        return real;
      }
    }
    throw TaskFailure.permanent(
        "sandbox",
        "'" + userPath + "' resolves to " + real + ", outside the allowed roots " + roots);
  }

  /** Computed per call so a root created or re-linked after start-up is judged as it is now. */
  private List<Path> realRoots() throws TaskFailure {
    List<Path> real = new ArrayList<>(roots.size());
    for (Path root : roots) {
      real.add(realLocation(root.toString(), root));
    }
    return real;
  }

  private static String printable(String text) {
    return text.replace("\0", "\\0");
  }
}
