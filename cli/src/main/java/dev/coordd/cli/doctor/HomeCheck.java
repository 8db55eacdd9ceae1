package dev.coordd.cli.doctor;

import dev.coordd.internal.Owners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The home: there, a folder, ours, 0700, and coordd's files in it 0600 (folders 0700). Prompts,
 * code and results of other people's agents live here; a home others can write to lets them plant
 * tasks, configuration or a socket of their own.
 */
final class HomeCheck {
  static final String AREA = "home";

  /** The folders coordd keeps in a home; as {@code PrivateHome} tightens them at start. */
  private static final Set<String> OWN_FOLDERS = Set.of("logs", "inbox", "invocations");

  /** Files at the top of a home that are coordd's besides {@code coordd.*} and {@code config.*}. */
  private static final Set<String> OWN_FILES = Set.of("console_history", "token");

  /** How many loose entries the message names before "and N more". */
  private static final int LISTED = 5;

  private HomeCheck() {}

  /** Whether the other checks can look inside: the home exists and is a folder. */
  static boolean usable(Path home) {
    return Files.isDirectory(home);
  }

  static List<Finding> check(Checkup c) throws IOException {
    Path home = c.home();
    if (!Files.exists(home, LinkOption.NOFOLLOW_LINKS)) {
      return List.of(
          Finding.fail(
              AREA,
              "there is no home at " + home,
              "start a daemon there (coordd daemon --detach --home "
                  + home
                  + "), or point --home or COORDD_HOME at the home you meant"));
    }
    if (!Files.isDirectory(home)) {
      return List.of(
          Finding.fail(
              AREA,
              "the home " + home + " is not a folder",
              "move that file away, or point --home or COORDD_HOME at a folder"));
    }
    Path real = home.toRealPath();
    long owner = Owners.uidOf(real);
    if (owner != Owners.currentUid()) {
      return List.of(
          Finding.fail(
              AREA,
              "the home "
                  + home
                  + " belongs to "
                  + Owners.describe(owner, real)
                  + ", not to you ("
                  + Owners.describeCurrent()
                  + ")",
              "run coordd as that user, or use a home of your own (--home DIR); if it should be"
                  + " yours: chown -R "
                  + Owners.currentUid()
                  + " "
                  + real));
    }
    List<Finding> out = new ArrayList<>();
    int mode = Modes.of(real);
    if ((mode & Modes.WRITABLE_BY_OTHERS) != 0) {
      out.add(
          Finding.fail(
              AREA,
              "the home "
                  + home
                  + " is mode "
                  + Modes.octal(mode)
                  + ": other users can write into it (plant tasks, configuration, a socket)",
              "chmod 700 "
                  + real
                  + " and look for files you did not put there (ls -la "
                  + real
                  + ")"));
    } else if ((mode & Modes.GROUP_AND_OTHERS) != 0) {
      out.add(
          Finding.fail(
              AREA,
              "the home " + home + " is mode " + Modes.octal(mode) + ": other users can read it",
              "chmod 700 " + real));
    } else {
      out.add(Finding.ok(AREA, home + " is yours and private (" + Modes.octal(mode) + ")"));
    }
    parent(real).ifPresent(out::add);
    List<String> loose = looseEntries(real, Modes.GROUP_AND_OTHERS);
    if (!loose.isEmpty()) {
      // Readable by others is a leak the daemon closes when it starts; writable is a way in now.
      boolean writable = !looseEntries(real, Modes.WRITABLE_BY_OTHERS).isEmpty();
      String text =
          loose.size()
              + (loose.size() == 1
                  ? " of coordd's files in the home is"
                  : " of coordd's files in the home are")
              + " open to other users"
              + (writable ? " (some writable)" : "")
              + ": "
              + String.join(", ", loose.subList(0, Math.min(LISTED, loose.size())))
              + (loose.size() > LISTED ? " and " + (loose.size() - LISTED) + " more" : "");
      // Only coordd's own entries: a home may be a project folder whose other modes are not ours.
      String fix =
          "chmod -R go-rwx "
              + loose.stream()
                  .map(e -> real.resolve(Path.of(e.substring(0, e.lastIndexOf(' '))).getName(0)))
                  .distinct()
                  .map(Path::toString)
                  .collect(Collectors.joining(" "))
              + " (the daemon also makes them private when it starts)";
      out.add(writable ? Finding.fail(AREA, text, fix) : Finding.warn(AREA, text, fix));
    }
    return out;
  }

  /**
   * A folder others may write to without the sticky bit (which /tmp has) lets them rename the home
   * away and put their own in its place.
   */
  private static Optional<Finding> parent(Path home) throws IOException {
    Path parent = home.getParent();
    if (parent == null) {
      return Optional.empty();
    }
    int mode = Modes.of(parent);
    if ((mode & Modes.WRITABLE_BY_OTHERS) == 0 || (mode & Modes.STICKY) != 0) {
      return Optional.empty();
    }
    return Optional.of(
        Finding.warn(
            AREA,
            "the folder that holds the home, "
                + parent
                + ", is mode "
                + Modes.octal(mode)
                + ": other users can replace the home with one of their own",
            "chmod go-w " + parent + ", or move the home to a folder only you can write to"));
  }

  /** coordd's entries in the home with any of {@code bits}, as {@code name 0644}. */
  private static List<String> looseEntries(Path home, int bits) throws IOException {
    List<String> loose = new ArrayList<>();
    try (Stream<Path> top = Files.list(home)) {
      for (Path p : (Iterable<Path>) top::iterator) {
        String name = p.getFileName().toString();
        if (OWN_FOLDERS.contains(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          try (Stream<Path> all = Files.walk(p)) {
            for (Path q : (Iterable<Path>) all::iterator) {
              note(home, q, bits, loose);
            }
          }
        } else if (name.startsWith("coordd.")
            || name.startsWith("config.")
            || OWN_FILES.contains(name)) {
          note(home, p, bits, loose);
        }
      }
    }
    return loose;
  }

  private static void note(Path home, Path p, int bits, List<String> loose) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink() || a.isOther()) {
      return; // a link's own mode means nothing; a socket is checked by the socket check
    }
    int mode = Modes.of(p);
    if ((mode & bits) != 0) {
      loose.add(home.relativize(p) + " " + Modes.octal(mode));
    }
  }
}
