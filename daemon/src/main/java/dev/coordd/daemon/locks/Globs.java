package dev.coordd.daemon.locks;

import dev.coordd.api.InvalidRequestException;

/**
 * Which resources overlap. A resource is a <em>glob</em> when it holds one of {@code * ? [ {};
 * otherwise it is a plain name, compared as an opaque string ({@code src} and {@code src/a.java}
 * are different resources). Glob syntax, path-style with {@code /} as the separator:
 *
 * <ul>
 *   <li>{@code *} any run of characters except {@code /}; {@code ?} one character except {@code /}
 *   <li>{@code **} any run of characters including {@code /}; {@code **}{@code /} also matches no
 *       folder at all ({@code src/**}{@code /x.java} matches {@code src/x.java})
 *   <li>{@code [abc]}, {@code [a-z]}, {@code [!abc]} one character of (or not of) a set
 *   <li>{@code {a,b}} either alternative (no nesting)
 * </ul>
 *
 * <p>Two resources overlap (and so conflict between holders) when:
 *
 * <ul>
 *   <li>they are equal;
 *   <li>one is a glob and the other a plain name that the glob matches;
 *   <li>both are globs and the literal prefix of one (the text before its first wildcard) starts
 *       with the literal prefix of the other. This is conservative: {@code src/*.java} and {@code
 *       src/*.md} overlap (prefixes {@code src/} and {@code src/}) though no name matches both, and
 *       a glob starting with a wildcard ({@code *.java}) overlaps every other glob. Deciding exact
 *       glob intersection is not worth a refused lock being granted by mistake.
 * </ul>
 *
 * <p>A glob is matched against a name by {@link GlobProgram}, in steps bounded by the product of
 * their lengths whatever the pattern. A lock pattern may have at most {@value #MAX_WILDCARDS}
 * wildcards ({@code * ** ? [..]}) and {@value #MAX_ALTERNATIVES} alternatives in all its {@code
 * {..}} groups (and, as every resource, at most {@value Locks#MAX_RESOURCE} characters): more is
 * refused when it is acquired, which keeps that product small.
 *
 * <p>Stateless and thread-safe.
 */
final class Globs {
  static final int MAX_WILDCARDS = Locks.MAX_GLOB_WILDCARDS;
  static final int MAX_ALTERNATIVES = Locks.MAX_GLOB_ALTERNATIVES;

  private Globs() {}

  static boolean isGlob(String resource) {
    return firstWildcard(resource) >= 0;
  }

  /** The text before the first wildcard; the whole name for a plain one. */
  static String literalPrefix(String resource) {
    int i = firstWildcard(resource);
    return i < 0 ? resource : resource.substring(0, i);
  }

  static boolean overlap(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    boolean ga = isGlob(a);
    boolean gb = isGlob(b);
    if (ga && gb) {
      String pa = literalPrefix(a);
      String pb = literalPrefix(b);
      return pa.startsWith(pb) || pb.startsWith(pa);
    }
    if (ga) {
      return matches(a, b);
    }
    if (gb) {
      return matches(b, a);
    }
    return false;
  }

  /** Whether {@code glob} matches all of the plain {@code name}. */
  static boolean matches(String glob, String name) {
    if (!name.startsWith(literalPrefix(glob))) {
      return false; // the common answer, without compiling
    }
    GlobProgram program;
    try {
      program = GlobProgram.compile(glob);
    } catch (IllegalArgumentException e) {
      // Only a stored glob can get here (a requested one was checked first), and every stored one
      // was accepted by the same grammar. Were one unreadable, refusing its prefix keeps the lock.
      return true;
    }
    return program.matches(name);
  }

  /**
   * Checks a glob a caller asks to lock: well formed and within the limits.
   *
   * @throws InvalidRequestException naming the {@code resource} field, what was wrong and the fix
   */
  static void check(String glob) {
    GlobProgram program;
    try {
      program = GlobProgram.compile(glob);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "resource", "resource '" + glob + "' is not a valid glob: " + e.getMessage());
    }
    if (program.wildcards() > MAX_WILDCARDS) {
      throw new InvalidRequestException(
          "resource",
          "a lock pattern may have at most "
              + MAX_WILDCARDS
              + " wildcards (* ** ? [..]); got "
              + program.wildcards()
              + " in '"
              + glob
              + "': lock a wider pattern such as src/** instead");
    }
    if (program.alternatives() > MAX_ALTERNATIVES) {
      throw new InvalidRequestException(
          "resource",
          "a lock pattern may have at most "
              + MAX_ALTERNATIVES
              + " alternatives in its {..} groups; got "
              + program.alternatives()
              + " in '"
              + glob
              + "': lock a wider pattern or several locks instead");
    }
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }
}
