package dev.coordd.daemon.locks;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
 * Stateless and thread-safe.
 */
final class Globs {
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
      return compile(a).matcher(b).matches();
    }
    if (gb) {
      return compile(b).matcher(a).matches();
    }
    return false;
  }

  /**
   * The glob as a regular expression matching whole names.
   *
   * @throws IllegalArgumentException when the glob is malformed (an unclosed {@code [} or
   *     {@code {}, a nested {@code {})
   */
  static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    boolean inBraces = false;
    int i = 0;
    int n = glob.length();
    while (i < n) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < n && glob.charAt(i + 1) == '*') {
            if (i + 2 < n && glob.charAt(i + 2) == '/') {
              re.append("(?:.*/)?");
              i += 3;
            } else {
              re.append(".*");
              i += 2;
            }
            continue;
          }
          re.append("[^/]*");
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int end = classEnd(glob, i);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed '[' at position " + i);
          }
          re.append(characterClass(glob.substring(i + 1, end)));
          i = end + 1;
          continue;
        }
        case '{' -> {
          if (inBraces) {
            throw new IllegalArgumentException("nested '{' at position " + i);
          }
          inBraces = true;
          re.append("(?:");
        }
        case '}' -> {
          if (inBraces) {
            inBraces = false;
            re.append(')');
          } else {
            re.append("\\}");
          }
        }
        case ',' -> re.append(inBraces ? "|" : ",");
        default -> literal(re, c);
      }
      i++;
    }
    if (inBraces) {
      throw new IllegalArgumentException("unclosed '{'");
    }
    try {
      return Pattern.compile(re.toString(), Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(e.getDescription(), e);
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

  /** Index of the ']' closing the class opened at {@code open}; a ']' first in it is literal. */
  private static int classEnd(String glob, int open) {
    int j = open + 1;
    if (j < glob.length() && (glob.charAt(j) == '!' || glob.charAt(j) == '^')) {
      j++;
    }
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++;
    }
    return glob.indexOf(']', j);
  }

  private static String characterClass(String body) {
    StringBuilder re = new StringBuilder("[");
    int start = 0;
    if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
      re.append('^');
      start = 1;
    }
    for (int i = start; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '-' && i > start && i < body.length() - 1) { // a range; first or last: literal
        re.append('-');
      } else {
        literal(re, c);
      }
    }
    return re.append(']').toString();
  }

  /** A character matched literally: ASCII punctuation escaped, everything else as is. */
  private static void literal(StringBuilder re, char c) {
    if (c < 128 && !Character.isLetterOrDigit(c)) {
      re.append('\\');
    }
    re.append(c);
  }
}
