package dev.coordd.daemon.locks;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The glob compiler coordd used before {@link GlobProgram}: a glob turned into a regular
 * expression. Kept in the tests only, as the oracle that {@link GlobProgram} must agree with; never
 * in the daemon, where its backtracking let one pattern stall the writer for minutes.
 */
final class RegexGlobs {
  private RegexGlobs() {}

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
