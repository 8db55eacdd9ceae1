package dev.coordd.cli.init;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the table headers and key lines of a TOML text are, so {@link CodexToml} can edit the text
 * itself and keep the user's comments and layout. It only locates; {@link TomlCheck} (a real TOML
 * parser) has read the file first and checks the edited result, so a layout this misreads ends in a
 * refusal, never in a damaged file.
 */
final class TomlLines {
  private TomlLines() {}

  /**
   * A table header ({@code [a.b]}, or {@code [[a.b]]} when {@code arrayTable}) or a key line, at
   * line {@code index}; {@code path} is the header's key path or the key's path relative to its
   * table; {@code end} is the last line the key's value spans (multi-line arrays and strings).
   */
  record Line(int index, boolean header, boolean arrayTable, List<String> path, int end) {}

  /** Thrown for a line this locator cannot follow; the message starts with the line number. */
  static final class Unfollowable extends Exception {
    Unfollowable(int index, String what) {
      super("line " + (index + 1) + " " + what);
    }
  }

  /** The headers and key lines of {@code lines}, in order; blank and comment lines are skipped. */
  static List<Line> scan(List<String> lines) throws Unfollowable {
    List<Line> items = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String stripped = lines.get(i).strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      if (stripped.startsWith("[")) {
        boolean array = stripped.startsWith("[[");
        int close = closing(stripped, array ? 2 : 1, ']');
        if (close < 0) {
          throw new Unfollowable(i, "looks like a table header but has no closing ]");
        }
        List<String> path = keyPath(stripped.substring(array ? 2 : 1, close));
        items.add(new Line(i, true, array, path, i));
        continue;
      }
      int eq = closing(lines.get(i), 0, '=');
      if (eq < 0) {
        throw new Unfollowable(i, "is neither a table header nor a key = value line");
      }
      List<String> path = keyPath(lines.get(i).substring(0, eq));
      int end = valueEnd(lines, i, eq + 1);
      items.add(new Line(i, false, false, path, end));
      i = end;
    }
    return items;
  }

  /** Index of the first {@code target} character outside quotes, from {@code from}; -1 if none. */
  private static int closing(String line, int from, char target) {
    char quote = 0;
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == target) {
        return i;
      }
    }
    return -1;
  }

  /** The last line of a value that starts at {@code (line, col)}. */
  private static int valueEnd(List<String> lines, int line, int col) throws Unfollowable {
    int depth = 0;
    String multi = null; // """ or ''' while inside a multi-line string
    for (int i = line; i < lines.size(); i++) {
      String s = lines.get(i);
      for (int j = i == line ? col : 0; j < s.length(); j++) {
        char c = s.charAt(j);
        if (multi != null) {
          if (c == '\\' && multi.equals("\"\"\"")) {
            j++;
          } else if (s.startsWith(multi, j)) {
            j += 2;
            multi = null;
          }
          continue;
        }
        if (c == '#') {
          break;
        }
        if (s.startsWith("\"\"\"", j) || s.startsWith("'''", j)) {
          multi = s.substring(j, j + 3);
          j += 2;
        } else if (c == '"' || c == '\'') {
          int k = j + 1;
          while (k < s.length() && s.charAt(k) != c) {
            if (c == '"' && s.charAt(k) == '\\') {
              k++;
            }
            k++;
          }
          j = k;
        } else if (c == '[' || c == '{') {
          depth++;
        } else if (c == ']' || c == '}') {
          depth--;
        }
      }
      if (multi == null && depth <= 0) {
        return i;
      }
    }
    throw new Unfollowable(line, "starts a value whose end coordd init cannot find");
  }

  /** {@code a."b.c" . 'd'} → [a, b.c, d]. */
  static List<String> keyPath(String key) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"' && i + 1 < key.length()) {
          cur.append(key.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '.') {
        parts.add(cur.toString().strip());
        cur.setLength(0);
      } else if (!Character.isWhitespace(c)) {
        cur.append(c);
      }
    }
    parts.add(cur.toString().strip());
    return parts;
  }
}
