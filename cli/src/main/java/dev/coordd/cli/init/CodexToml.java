package dev.coordd.cli.init;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Puts one {@code [mcp_servers.NAME]} table into Codex's config.toml by editing the text, so every
 * comment and line of the user's own stays as it was: the table is appended when absent, and when
 * present only the lines of the keys coordd sets ({@code command}, {@code args}, the approval mode)
 * are replaced. Forms it does not edit (an inline {@code mcp_servers} table, dotted keys defining
 * the server elsewhere) are refused. {@link TomlCheck} reads the file before and checks the result
 * after.
 */
final class CodexToml {
  private CodexToml() {}

  /**
   * The text of {@code file} ({@code before}, null when absent) with the server set; {@code before}
   * itself, unchanged, when it already holds that command and args.
   */
  static String upsertServer(
      Path file, String before, String name, String command, List<String> args) throws Refused {
    return upsertServer(file, before, name, command, args, Map.of());
  }

  /**
   * As above, and also sets the string keys of {@code extra} in the server's table (e.g. {@code
   * default_tools_approval_mode = "approve"}).
   */
  static String upsertServer(
      Path file,
      String before,
      String name,
      String command,
      List<String> args,
      Map<String, String> extra)
      throws Refused {
    String text = before == null ? "" : before;
    ObjectNode had = TomlCheck.read(file, text);
    ObjectNode want = TomlCheck.withServer(had, name, command, args, extra);
    if (before != null && had.equals(want)) {
      return before;
    }
    List<String> lines = new ArrayList<>();
    lines.add("[mcp_servers." + bareOrQuoted(name) + "]");
    lines.add("command = " + quote(command));
    lines.add("args = [" + String.join(", ", args.stream().map(CodexToml::quote).toList()) + "]");
    extra.forEach((key, value) -> lines.add(bareOrQuoted(key) + " = " + quote(value)));
    String table = String.join("\n", lines);
    Set<List<String>> keys = new HashSet<>(List.of(List.of("command"), List.of("args")));
    extra.keySet().forEach(k -> keys.add(List.of(k)));
    String edited;
    try {
      edited = edit(file, text, name, table, keys);
    } catch (TomlLines.Unfollowable e) {
      throw TomlCheck.cannotEdit(file, e.getMessage(), table);
    }
    TomlCheck.verify(file, edited, want, table);
    return edited;
  }

  /**
   * {@code text} with {@code table} (header and key lines) appended or put in place: the table's
   * lines for {@code keys} replace the ones already there.
   */
  private static String edit(
      Path file, String text, String name, String table, Set<List<String>> keys)
      throws Refused, TomlLines.Unfollowable {
    String nl = text.contains("\r\n") ? "\r\n" : "\n";
    List<String> lines = new ArrayList<>(List.of(text.replace("\r\n", "\n").split("\n", -1)));
    if (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines.removeLast(); // the text's final newline
    }
    List<TomlLines.Line> items = TomlLines.scan(lines);
    TomlLines.Line header = findTable(file, lines, items, name);
    List<String> tableLines = List.of(table.split("\n"));

    if (header == null) {
      List<String> out = new ArrayList<>(lines);
      while (!out.isEmpty() && out.getLast().isBlank()) {
        out.removeLast();
      }
      if (!out.isEmpty()) {
        out.add("");
      }
      out.addAll(tableLines);
      return String.join(nl, out) + nl;
    }

    int start = header.index() + 1;
    int end = lines.size();
    for (TomlLines.Line l : items) {
      if (l.header() && l.index() > header.index()) {
        end = l.index();
        break;
      }
    }
    List<int[]> replaced = new ArrayList<>();
    for (TomlLines.Line l : items) {
      boolean ours = !l.header() && l.index() >= start && l.index() < end;
      if (ours && keys.contains(l.path())) {
        replaced.add(new int[] {l.index(), l.end()});
      }
    }
    // The new key lines take the place of the first old one (right after the header
    // when there was none), so comments above them keep their meaning.
    int at = replaced.isEmpty() ? start : replaced.getFirst()[0];
    List<String> out = new ArrayList<>(lines.subList(0, start));
    for (int i = start; i < end; i++) {
      if (i == at) {
        out.addAll(tableLines.subList(1, tableLines.size()));
      }
      final int line = i;
      if (replaced.stream().noneMatch(r -> line >= r[0] && line <= r[1])) {
        out.add(lines.get(i));
      }
    }
    if (at == end) {
      out.addAll(tableLines.subList(1, tableLines.size()));
    }
    out.addAll(lines.subList(end, lines.size()));
    return String.join(nl, out) + nl;
  }

  /**
   * The {@code [mcp_servers.NAME]} header, or null when the file has none; refuses the forms
   * defining the server that this editor does not rewrite.
   */
  private static TomlLines.Line findTable(
      Path file, List<String> lines, List<TomlLines.Line> items, String name) throws Refused {
    List<String> server = List.of("mcp_servers", name);
    TomlLines.Line table = null;
    List<String> section = List.of();
    for (TomlLines.Line l : items) {
      if (l.header()) {
        section = l.path();
        if (l.path().equals(server) || (l.arrayTable() && startsWith(server, l.path()))) {
          if (table != null || l.arrayTable()) {
            throw new Refused(
                file
                    + " defines [mcp_servers."
                    + name
                    + "] more than once or as an array of tables (line "
                    + (l.index() + 1)
                    + "); nothing was changed: make it one [mcp_servers."
                    + name
                    + "] table by hand");
          }
          table = l;
        }
        continue;
      }
      List<String> full = new ArrayList<>(section);
      full.addAll(l.path());
      boolean definesServerElsewhere =
          startsWith(full, server) && !section.equals(server) && !startsWith(section, server);
      boolean inlineServers =
          full.equals(List.of("mcp_servers"))
              || (full.size() < server.size() && startsWith(server, full));
      if (definesServerElsewhere || inlineServers) {
        throw new Refused(
            file
                + " defines mcp_servers."
                + name
                + " in a form coordd init does not edit (line "
                + (l.index() + 1)
                + ": "
                + lines.get(l.index()).strip()
                + "); nothing was changed: edit it by hand to a [mcp_servers."
                + name
                + "] table, or remove it");
      }
    }
    return table;
  }

  private static boolean startsWith(List<String> path, List<String> prefix) {
    return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  private static String bareOrQuoted(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : quote(key);
  }

  /** A TOML basic string. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
