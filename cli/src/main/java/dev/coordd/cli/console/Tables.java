package dev.coordd.cli.console;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text tables for terminals: a header row, then one row per line, columns left-aligned and as
 * wide as their widest cell, two spaces apart, no trailing blanks. Cells longer than {@link
 * #MAX_CELL} characters are cut and end in "…"; line breaks and tabs inside a cell become spaces;
 * {@code null} shows as an empty cell.
 */
public final class Tables {
  /** The longest a cell may be before it is cut, "…" included. */
  public static final int MAX_CELL = 40;

  private static final String GAP = "  ";

  private Tables() {}

  /**
   * Renders the table, one line per row after the header, each ending in a line break. A row
   * shorter than the header is padded with empty cells.
   *
   * @throws IllegalArgumentException when a row has more cells than the header
   */
  public static String render(List<String> headers, List<List<String>> rows) {
    int columns = headers.size();
    List<List<String>> lines = new ArrayList<>(rows.size() + 1);
    lines.add(clean(headers, columns));
    for (List<String> row : rows) {
      if (row.size() > columns) {
        throw new IllegalArgumentException(
            "row has " + row.size() + " cells, the header " + columns + ": " + row);
      }
      lines.add(clean(row, columns));
    }
    int[] widths = new int[columns];
    for (List<String> line : lines) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], width(line.get(c)));
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> line : lines) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        String cell = line.get(c);
        text.append(cell);
        if (c < columns - 1) {
          text.append(" ".repeat(widths[c] - width(cell))).append(GAP);
        }
      }
      out.append(stripTrailing(text)).append('\n');
    }
    return out.toString();
  }

  /** The text cut to at most {@code max} characters, the last being "…" when it was cut. */
  public static String truncate(String text, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    if (text == null) {
      return "";
    }
    if (width(text) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }

  /**
   * How long ago {@code epochMillis} was, in the largest whole unit: "just now" (under a second),
   * "42s ago", "5m ago", "3h ago", "2d ago"; "in 5s" for a moment still ahead; "never" for a time
   * of 0 or less.
   */
  public static String ago(long epochMillis, long nowMillis) {
    if (epochMillis <= 0) {
      return "never";
    }
    long delta = nowMillis - epochMillis;
    if (delta >= 0 && delta < 1000) {
      return "just now";
    }
    String span = span(Math.abs(delta));
    return delta > 0 ? span + " ago" : "in " + span;
  }

  private static String span(long millis) {
    long seconds = millis / 1000;
    if (seconds < 60) {
      return Math.max(seconds, 1) + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 24) {
      return hours + "h";
    }
    return hours / 24 + "d";
  }

  private static List<String> clean(List<String> cells, int columns) {
    List<String> out = new ArrayList<>(columns);
    for (int c = 0; c < columns; c++) {
      String cell = c < cells.size() ? cells.get(c) : null;
      out.add(truncate(cell == null ? "" : flatten(cell), MAX_CELL));
    }
    return out;
  }

  private static String flatten(String cell) {
    StringBuilder sb = new StringBuilder(cell.length());
    cell.codePoints()
        .forEach(
            cp -> {
              if (cp == '\n' || cp == '\r' || cp == '\t') {
                sb.append(' ');
              } else if (!Character.isISOControl(cp)) {
                sb.appendCodePoint(cp);
              }
            });
    return sb.toString();
  }

  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }

  private static String stripTrailing(StringBuilder text) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == ' ') {
      end--;
    }
    return text.substring(0, end);
  }
}
