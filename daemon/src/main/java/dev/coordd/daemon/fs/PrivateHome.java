package dev.coordd.daemon.fs;

import dev.coordd.api.CoorddException;
import dev.coordd.internal.Owners;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a home private before anything is written into it: a new home is created 0700 whatever the
 * umask; an existing one must be a folder owned by this process's user (numeric uid), and it and
 * everything coordd keeps in it is tightened (see {@link PrivateFiles#tighten}), top down, so
 * nobody else can get in while the rest is fixed. Entries of the home that are not coordd's (a
 * {@code --home} pointed at a project folder) are left as they are: the home's own 0700 already
 * keeps other users out, and coordd does not rewrite the modes of someone's source tree. The one
 * place that knows this; {@code Daemon.start} and the CLI (before it opens the home's log file)
 * both call {@link #prepare}. Stateless and thread-safe.
 */
public final class PrivateHome {
  private static final Logger log = LoggerFactory.getLogger(PrivateHome.class);

  /** The folders coordd keeps in a home, tightened with all they hold. */
  private static final Set<String> OWN_FOLDERS = Set.of("logs", "inbox", "invocations");

  /** Files at the top of a home other than {@code coordd.*} and {@code config.*}. */
  private static final Set<String> OWN_FILES = Set.of("console_history", "token");

  /** How many changed names one log line lists before it says "and N more". */
  private static final int LISTED = 20;

  private PrivateHome() {}

  /**
   * What {@link #prepare} changed in a home that existed with looser modes, and what it left alone
   * (other users' files open to others, entries it could not read).
   */
  public record Tightening(Path home, List<String> changed, List<String> leftAlone) {
    public Tightening {
      changed = List.copyOf(changed);
      leftAlone = List.copyOf(leftAlone);
    }

    /** Logs the changes (info) and what was left alone (warn); nothing when there is neither. */
    public void log() {
      if (!changed.isEmpty()) {
        log.info(
            "made the home {} private: {} entr{} no longer open to other users: {}",
            home,
            changed.size(),
            changed.size() == 1 ? "y is" : "ies are",
            listed(changed));
      }
      if (!leftAlone.isEmpty()) {
        log.warn(
            "the home {} holds {} entr{} coordd cannot make private: {}",
            home,
            leftAlone.size(),
            leftAlone.size() == 1 ? "y" : "ies",
            listed(leftAlone));
      }
    }

    private static String listed(List<String> items) {
      String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
      return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
    }
  }

  /**
   * Creates the home 0700, or checks and tightens the one there.
   *
   * @throws CoorddException ({@code home}) when the home is not a folder, belongs to another user,
   *     or cannot be created or read; the message says what to do
   */
  public static Tightening prepare(Path home) {
    Path abs = home.toAbsolutePath().normalize();
    Tightening result = new Tightening(abs, List.of(), List.of());
    if (!PrivateFiles.posix(abs)) {
      return result;
    }
    try {
      // Created or not, it is checked below: someone else may have made it first.
      PrivateFiles.ensureDirectory(abs);
      // A link to the home is fine; the folder it leads to is what must be ours.
      Path real = abs.toRealPath();
      checkOwnFolder(abs, real);
      List<String> changed = new ArrayList<>();
      List<String> leftAlone = new ArrayList<>();
      Files.walkFileTree(real, new Tightener(real, changed, leftAlone));
      return new Tightening(abs, changed, leftAlone);
    } catch (IOException e) {
      throw new CoorddException(
          "home",
          "cannot prepare the home "
              + abs
              + ": "
              + e
              + "; check that its parent folder exists and is writable by you, or use another"
              + " --home",
          e);
    }
  }

  private static void checkOwnFolder(Path home, Path real) throws IOException {
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new CoorddException(
          "home",
          "the home "
              + home
              + " is not a folder; move that file away or point --home (or COORDD_HOME) at a"
              + " folder");
    }
    long owner = Owners.uidOf(real);
    long me = Owners.currentUid();
    if (owner != me) {
      throw new CoorddException(
          "home",
          "the home "
              + home
              + (real.equals(home) ? "" : " (" + real + ")")
              + " belongs to "
              + Owners.describe(owner, real)
              + ", not to you ("
              + Owners.describeCurrent()
              + "); coordd keeps a home private to its owner and will not use another user's."
              + " Run coordd as that user, use a home of your own (--home DIR or COORDD_HOME),"
              + " or, if the folder should be yours, have it handed over: chown -R "
              + me
              + " "
              + real);
    }
  }

  /** Tightens each folder before looking inside it, so the walk never races another user. */
  private static final class Tightener extends SimpleFileVisitor<Path> {
    private final Path root;
    private final List<String> changed;
    private final List<String> leftAlone;

    Tightener(Path root, List<String> changed, List<String> leftAlone) {
      this.root = root;
      this.changed = changed;
      this.leftAlone = leftAlone;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (!dir.equals(root) && !coorddsOwn(dir)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      visit(dir);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      if (coorddsOwn(file)) {
        visit(file);
      }
      return FileVisitResult.CONTINUE;
    }

    /**
     * Whether coordd wrote this: anything under its folders, and at the top {@code coordd.*},
     * {@code config.*} and a few named files, or the hidden temp file of one being written.
     */
    private boolean coorddsOwn(Path path) {
      Path rel = root.relativize(path);
      String top = rel.getName(0).toString();
      if (rel.getNameCount() > 1 || OWN_FOLDERS.contains(top)) {
        return OWN_FOLDERS.contains(top);
      }
      String name = top.startsWith(".") && top.endsWith(".tmp") ? top.substring(1) : top;
      return name.startsWith("coordd.")
          || name.startsWith("config.")
          || OWN_FILES.stream().anyMatch(name::startsWith);
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      leftAlone.add(name(file) + " (cannot be read: " + e.getMessage() + ")");
      return FileVisitResult.CONTINUE;
    }

    private void visit(Path path) {
      try {
        PrivateFiles.tighten(path)
            .ifPresentOrElse(
                change -> changed.add(name(path) + change.substring(change.indexOf(' '))),
                () -> noteOthers(path));
      } catch (IOException e) {
        leftAlone.add(name(path) + " (cannot be changed: " + e.getMessage() + ")");
      }
    }

    /** A file of another user that others may read is named: we cannot and should not fix it. */
    private void noteOthers(Path path) {
      try {
        long owner = Owners.uidOf(path);
        if (owner != Owners.currentUid()
            && !Files.isSymbolicLink(path)
            && PrivateFiles.isOpenToOthers(path)) {
          leftAlone.add(
              name(path)
                  + " (belongs to "
                  + Owners.describe(owner, path)
                  + "; move it out of the home or have it chowned to you)");
        }
      } catch (IOException e) {
        leftAlone.add(name(path) + " (cannot be checked: " + e.getMessage() + ")");
      }
    }

    private String name(Path path) {
      Path rel = root.relativize(path);
      return rel.toString().isEmpty() ? "." : rel.toString();
    }
  }
}
