package dev.coordd.cli.init;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd init claude|codex|gemini}: connects an agent CLI to coordd by merging coordd's
 * entries into that CLI's configuration files. Never clobbers: every other key, server and hook
 * stays; a file that is not valid JSON is refused untouched (exit 2); an identical entry leaves the
 * file byte for byte as it was; every write is atomic (temp file, fsync, rename).
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Connect an agent CLI (Claude Code, Codex, Gemini CLI) to coordd: MCP server"
            + " and session hook in its configuration files.",
    subcommands = {InitCommand.Claude.class, InitCommand.Codex.class, InitCommand.Gemini.class})
public final class InitCommand {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  /** What every init subcommand takes and does: plan all changes, then write them. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        defaultValue = ".",
        description = "Project folder (default: the current folder).")
    Path dir;

    @Option(
        names = "--home",
        paramLabel = "DIR",
        description =
            "coordd home the agent should use (default: $COORDD_HOME, else"
                + " <project>/.coordd).")
    Path home;

    @Option(names = "--dry-run", description = "Show what would change; write nothing.")
    boolean dryRun;

    /** The changes this subcommand wants; throws {@link Refused} before anything is written. */
    abstract List<Change> plan() throws IOException;

    /** Lines printed after the per-file lines. */
    List<String> notes() {
      return List.of();
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<Change> changes;
      try {
        changes = plan();
      } catch (Refused e) {
        err.println("coordd: " + e.getMessage());
        err.flush();
        return EXIT_USAGE;
      } catch (IOException e) {
        err.println("coordd: " + e.getMessage());
        err.flush();
        return EXIT_FAILED;
      }
      for (Change c : changes) {
        if (!dryRun && c.changed()) {
          try {
            writeAtomically(c.file(), c.after(), c.newFileMode());
          } catch (IOException e) {
            err.println("coordd: cannot write " + c.file() + ": " + e.getMessage());
            err.flush();
            return EXIT_FAILED;
          }
        }
        out.println(
            (dryRun && c.changed() ? "would " + c.verb() : c.status())
                + " "
                + display(c.file())
                + (c.what() == null ? "" : " (" + c.what() + ")"));
      }
      for (String note : notes()) {
        out.println(note);
      }
      if (dryRun) {
        out.println("dry run: nothing was written");
      }
      out.flush();
      return EXIT_OK;
    }

    Path projectDir() {
      return dir.toAbsolutePath().normalize();
    }

    Path coorddHome() {
      if (home != null) {
        return home.toAbsolutePath().normalize();
      }
      String env = System.getenv("COORDD_HOME");
      if (env != null && !env.isBlank()) {
        return Path.of(env).toAbsolutePath().normalize();
      }
      return projectDir().resolve(DaemonConfig.DEFAULT_HOME);
    }

    /** A path for people: relative inside the project, absolute elsewhere. */
    String display(Path file) {
      Path p = projectDir();
      return file.startsWith(p) ? p.relativize(file).toString() : file.toString();
    }

    /** {@code " --home H"} when the agent's default ({@code ./.coordd} in the project) is wrong. */
    String homeArgForShell() {
      return coorddHome().equals(projectDir().resolve(DaemonConfig.DEFAULT_HOME))
          ? ""
          : " --home " + dev.coordd.cli.Shell.quote(coorddHome().toString());
    }

    /** The coordd MCP server entry every JSON-configured CLI takes. */
    ObjectNode mcpServerEntry() {
      ObjectNode entry = Json.MAPPER.createObjectNode();
      entry.put("command", launcher());
      ArrayNode args = entry.putArray("args");
      args.add("mcp").add("--home").add(coorddHome().toString());
      return entry;
    }
  }

  // --- claude ---

  @Command(
      name = "claude",
      mixinStandardHelpOptions = true,
      description = {
        "Claude Code: adds the coordd MCP server to <project>/.mcp.json and a SessionStart hook"
            + " (coordd hook session-start) to <project>/.claude/settings.json.",
        "Existing servers, hooks and settings are kept; run it again any time."
      })
  static final class Claude extends Base {
    @Override
    List<Change> plan() throws IOException {
      Path mcp = projectDir().resolve(".mcp.json");
      Path settings = projectDir().resolve(".claude").resolve("settings.json");
      return List.of(
          mergeJson(mcp, root -> mergeMcpServer(mcp, root, mcpServerEntry()), "MCP server coordd"),
          mergeJson(
              settings,
              root -> mergeSessionStartHook(settings, root, hookCommand()),
              "SessionStart hook"));
    }

    String hookCommand() {
      return dev.coordd.cli.Shell.quote(launcher())
          + " hook session-start --home "
          + dev.coordd.cli.Shell.quote(coorddHome().toString());
    }
  }

  // --- gemini ---

  @Command(
      name = "gemini",
      mixinStandardHelpOptions = true,
      description = {
        "Gemini CLI: adds the coordd MCP server to <project>/.gemini/settings.json"
            + " (\"mcpServers\").",
        "Existing servers and settings are kept; run it again any time."
      })
  static final class Gemini extends Base {
    @Override
    List<Change> plan() throws IOException {
      Path settings = projectDir().resolve(".gemini").resolve("settings.json");
      return List.of(
          mergeJson(
              settings,
              root -> mergeMcpServer(settings, root, mcpServerEntry()),
              "MCP server coordd"));
    }

    @Override
    List<String> notes() {
      return List.of(
          "note: Gemini CLI lists pending work through the coordd MCP server; ask it to"
              + " run `"
              + launcher()
              + " check"
              + homeArgForShell()
              + "` at the start of a session.");
    }
  }

  // --- codex ---

  @Command(
      name = "codex",
      mixinStandardHelpOptions = true,
      description = {
        "Codex CLI: adds [mcp_servers.coordd] to <codex home>/config.toml and a short coordd"
            + " section to <project>/AGENTS.md (only if it has none).",
        "Other tables and keys are kept; an existing coordd table gets only its command and"
            + " args replaced."
      })
  static final class Codex extends Base {
    @Option(
        names = "--codex-home",
        paramLabel = "DIR",
        description = "Codex home (default: $CODEX_HOME, else ~/.codex).")
    Path codexHome;

    Path codexHome() {
      if (codexHome != null) {
        return codexHome.toAbsolutePath().normalize();
      }
      String env = System.getenv("CODEX_HOME");
      if (env != null && !env.isBlank()) {
        return Path.of(env).toAbsolutePath().normalize();
      }
      return Path.of(System.getProperty("user.home"), ".codex").toAbsolutePath().normalize();
    }

    @Override
    List<Change> plan() throws IOException {
      Path config = codexHome().resolve("config.toml");
      String before = readIfExists(config);
      String after =
          CodexToml.upsertServer(
              config,
              before == null ? "" : before,
              "coordd",
              launcher(),
              List.of("mcp", "--home", coorddHome().toString()));
      Change toml = new Change(config, before, after, "0600", "[mcp_servers.coordd]");

      Path agents = projectDir().resolve("AGENTS.md");
      String agentsBefore = readIfExists(agents);
      String agentsAfter = agentsWithCoorddSection(agentsBefore);
      return List.of(toml, new Change(agents, agentsBefore, agentsAfter, "0644", "coordd section"));
    }

    @Override
    List<String> notes() {
      return List.of(
          "note: coordd installs no SessionStart hook for Codex; the AGENTS.md section asks Codex"
              + " to run `"
              + launcher()
              + " check"
              + homeArgForShell()
              + "` at the start of a session.",
          "note: "
              + codexHome().resolve("config.toml")
              + " is shared by every project; its coordd"
              + " server uses the home "
              + coorddHome()
              + ".");
    }

    String agentsWithCoorddSection(String before) {
      if (before != null && HAS_COORDD_HEADING.matcher(before).find()) {
        return before;
      }
      String nl = before != null && before.contains("\r\n") ? "\r\n" : "\n";
      String c = dev.coordd.cli.Shell.quote(launcher());
      String h = homeArgForShell();
      String section =
          String.join(
              nl,
              "## coordd",
              "",
              "This project coordinates agents with coordd. At the start of a session, and after"
                  + " finishing a piece of work:",
              "",
              "- run `"
                  + c
                  + " check"
                  + h
                  + "` to see invocations waiting for an AI agent; take one"
                  + " with `"
                  + c
                  + " check process ID"
                  + h
                  + "` and finish it with `"
                  + c
                  + " check complete ID"
                  + h
                  + "`;",
              "- take tasks assigned to you with `"
                  + c
                  + " task claim --agent codex"
                  + h
                  + "` and finish each with `"
                  + c
                  + " task complete ID --agent codex"
                  + h
                  + " --result JSON`.",
              "");
      if (before == null || before.isBlank()) {
        return section;
      }
      String sep = before.endsWith(nl + nl) ? "" : before.endsWith(nl) ? nl : nl + nl;
      return before + sep + section;
    }
  }

  static final Pattern HAS_COORDD_HEADING = Pattern.compile("(?im)^#{1,6}[ \\t]+.*\\bcoordd\\b");

  // --- shared pieces ---

  /** The command agents should run: {@code $COORDD_LAUNCHER} (set by bin/coordd), else coordd. */
  static String launcher() {
    String env = System.getenv("COORDD_LAUNCHER");
    if (env == null || env.isBlank()) {
      return "coordd";
    }
    return Path.of(env).toAbsolutePath().normalize().toString();
  }

  /** One file coordd init would write. {@code before} is null when the file does not exist. */
  record Change(Path file, String before, String after, String newFileMode, String what) {
    boolean changed() {
      return !after.equals(before);
    }

    String verb() {
      return before == null ? "create" : "update";
    }

    String status() {
      return !changed() ? "unchanged" : before == null ? "created" : "updated";
    }
  }

  /** A file coordd will not touch; the message says why and what to do. Exit 2. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  interface JsonEdit {
    void apply(ObjectNode root) throws Refused;
  }

  /** Reads a JSON object file (absent or blank: empty), applies the edit, and plans the write. */
  static Change mergeJson(Path file, JsonEdit edit, String what) throws IOException {
    String before = readIfExists(file);
    ObjectNode root = parseObject(file, before);
    ObjectNode original = root.deepCopy();
    edit.apply(root);
    String after = before != null && root.equals(original) ? before : prettyJson(root);
    return new Change(file, before, after, "0644", what);
  }

  static ObjectNode parseObject(Path file, String text) throws Refused {
    if (text == null || text.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node =
          Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
    } catch (IOException e) {
      throw new Refused(
          file
              + " is not valid JSON ("
              + firstLine(e.getMessage())
              + "); nothing was changed: fix the file or move it away, then run coordd init again");
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new Refused(
          file
              + " does not hold a JSON object; nothing was changed: fix the file"
              + " or move it away, then run coordd init again");
    }
    return obj;
  }

  /** Sets {@code mcpServers.coordd}'s command and args, keeping its other keys (env…). */
  static void mergeMcpServer(Path file, ObjectNode root, ObjectNode desired) throws Refused {
    JsonNode servers = root.get("mcpServers");
    if (servers == null || servers.isNull()) {
      servers = root.putObject("mcpServers");
    } else if (!servers.isObject()) {
      throw new Refused(file + ": \"mcpServers\" is not an object; nothing was changed");
    }
    ObjectNode map = (ObjectNode) servers;
    if (map.get("coordd") instanceof ObjectNode entry) {
      entry.set("command", desired.get("command"));
      entry.set("args", desired.get("args"));
    } else {
      map.set("coordd", desired);
    }
  }

  /**
   * Adds coordd's SessionStart hook ({@code hooks.SessionStart[].hooks[]} of type command), or
   * updates the command of the coordd hook already there; other hooks are left alone.
   */
  static void mergeSessionStartHook(Path file, ObjectNode root, String command) throws Refused {
    JsonNode hooks = root.get("hooks");
    if (hooks == null || hooks.isNull()) {
      hooks = root.putObject("hooks");
    } else if (!hooks.isObject()) {
      throw new Refused(file + ": \"hooks\" is not an object; nothing was changed");
    }
    JsonNode sessionStart = hooks.get("SessionStart");
    if (sessionStart == null || sessionStart.isNull()) {
      sessionStart = ((ObjectNode) hooks).putArray("SessionStart");
    } else if (!sessionStart.isArray()) {
      throw new Refused(file + ": \"hooks.SessionStart\" is not an array; nothing was changed");
    }
    boolean found = false;
    for (JsonNode group : sessionStart) {
      if (!(group.get("hooks") instanceof ArrayNode handlers)) {
        continue;
      }
      for (JsonNode h : handlers) {
        if (h instanceof ObjectNode handler && isCoorddSessionHook(h.path("command").asText())) {
          found = true;
          if (!"command".equals(handler.path("type").asText())) {
            handler.put("type", "command");
          }
          String wanted = keepUserFlags(handler.path("command").asText(), command);
          if (!wanted.equals(handler.path("command").asText())) {
            handler.put("command", wanted);
          }
        }
      }
    }
    if (!found) {
      ObjectNode group = ((ArrayNode) sessionStart).addObject();
      group.putArray("hooks").addObject().put("type", "command").put("command", command);
    }
  }

  /**
   * The desired hook command plus the flags the user added to the existing one (an --agent, a
   * --timeout…): init owns only the launcher and --home.
   */
  static String keepUserFlags(String existing, String desired) {
    List<String> old = dev.coordd.cli.Shell.split(existing);
    int at = old.indexOf("session-start");
    StringBuilder out = new StringBuilder(desired);
    for (int i = at + 1; at >= 0 && i < old.size(); i++) {
      String word = old.get(i);
      if (word.equals("--home")) {
        i++; // and its value
      } else if (!word.startsWith("--home=")) {
        out.append(' ').append(dev.coordd.cli.Shell.quote(word));
      }
    }
    return out.toString();
  }

  static boolean isCoorddSessionHook(String command) {
    return command.contains("coordd") && command.contains("hook session-start");
  }

  static String prettyJson(JsonNode node) {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    try {
      return Json.MAPPER.writer(printer).writeValueAsString(node) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String readIfExists(Path file) throws IOException {
    if (!Files.exists(file)) {
      if (Files.isSymbolicLink(file)) {
        throw new Refused(file + " is a dangling symbolic link; nothing was changed");
      }
      return null;
    }
    if (!Files.isRegularFile(file)) {
      throw new Refused(file + " is not a regular file; nothing was changed");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new Refused(file + " is not UTF-8 text; nothing was changed");
    }
  }

  /**
   * Temp file in the same folder, fsync, rename over the target, fsync the folder. A symbolic link
   * is followed, so a linked dotfile stays a link. An existing file keeps its permissions.
   */
  static void writeAtomically(Path file, String content, String newFileMode) throws IOException {
    Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    AtomicFiles.replace(
        target,
        content.getBytes(StandardCharsets.UTF_8),
        PosixFilePermissions.fromString(newFileMode.equals("0600") ? "rw-------" : "rw-r--r--"));
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * A deliberately small TOML editor for one {@code [mcp_servers.NAME]} table: it finds table
   * headers and top-level keys line by line (skipping strings, multi-line strings and multi-line
   * arrays), appends the table when absent, and when present replaces only its {@code command} and
   * {@code args} lines, keeping every other line of the file as it was. Forms it does not edit (an
   * inline {@code mcp_servers} table, dotted keys defining the server elsewhere) are refused.
   */
  static final class CodexToml {
    private CodexToml() {}

    /** A table header or a key line, with the key path relative to the file. */
    record Line(int index, boolean header, boolean arrayTable, List<String> path, int end) {}

    static String upsertServer(
        Path file, String text, String name, String command, List<String> args) throws Refused {
      String nl = text.contains("\r\n") ? "\r\n" : "\n";
      List<String> lines = new ArrayList<>(List.of(text.replace("\r\n", "\n").split("\n", -1)));
      if (!lines.isEmpty() && lines.getLast().isEmpty()) {
        lines.removeLast(); // the text's final newline
      }
      List<Line> items = scan(file, lines);
      List<String> server = List.of("mcp_servers", name);
      String commandLine = "command = " + quote(command);
      String argsLine =
          "args = [" + String.join(", ", args.stream().map(CodexToml::quote).toList()) + "]";

      Line table = null;
      List<String> section = List.of();
      for (Line l : items) {
        if (l.header()) {
          section = l.path();
          if (l.path().equals(server) || (l.arrayTable() && startsWith(server, l.path()))) {
            if (table != null || l.arrayTable()) {
              throw new Refused(
                  file
                      + " defines [mcp_servers."
                      + name
                      + "] more than once or as"
                      + " an array of tables (line "
                      + (l.index() + 1)
                      + "); fix it by hand");
            }
            table = l;
          }
          continue;
        }
        List<String> full = concat(section, l.path());
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
                  + " in a form coordd init does"
                  + " not edit (line "
                  + (l.index() + 1)
                  + ": "
                  + lines.get(l.index()).strip()
                  + "); edit it by hand to a [mcp_servers."
                  + name
                  + "] table, or remove it");
        }
      }

      if (table == null) {
        List<String> out = new ArrayList<>(lines);
        while (!out.isEmpty() && out.getLast().isBlank()) {
          out.removeLast();
        }
        if (!out.isEmpty()) {
          out.add("");
        }
        out.add("[mcp_servers." + bareOrQuoted(name) + "]");
        out.add(commandLine);
        out.add(argsLine);
        return String.join(nl, out) + nl;
      }

      int start = table.index() + 1;
      int end = lines.size();
      for (Line l : items) {
        if (l.header() && l.index() > table.index()) {
          end = l.index();
          break;
        }
      }
      Object currentCommand = null;
      Object currentArgs = null;
      List<int[]> replaced = new ArrayList<>();
      for (Line l : items) {
        if (l.header() || l.index() < start || l.index() >= end) {
          continue;
        }
        if (l.path().equals(List.of("command")) || l.path().equals(List.of("args"))) {
          String value = valueText(lines, l);
          Object parsed = TomlValue.parse(value);
          if (l.path().getFirst().equals("command")) {
            currentCommand = parsed;
          } else {
            currentArgs = parsed;
          }
          replaced.add(new int[] {l.index(), l.end()});
        }
      }
      if (command.equals(currentCommand) && args.equals(currentArgs)) {
        return text;
      }
      List<String> out = new ArrayList<>(lines.subList(0, start));
      out.add(commandLine);
      out.add(argsLine);
      for (int i = start; i < end; i++) {
        final int at = i;
        if (replaced.stream().noneMatch(r -> at >= r[0] && at <= r[1])) {
          out.add(lines.get(i));
        }
      }
      out.addAll(lines.subList(end, lines.size()));
      return String.join(nl, out) + nl;
    }

    /** The value of a key line: text after its '=', through its continuation lines. */
    private static String valueText(List<String> lines, Line l) {
      StringBuilder sb = new StringBuilder();
      String first = lines.get(l.index());
      sb.append(first.substring(keyEnd(first) + 1));
      for (int i = l.index() + 1; i <= l.end(); i++) {
        sb.append('\n').append(lines.get(i));
      }
      return sb.toString();
    }

    /** Index of the '=' that ends the key on a key line (outside quotes). */
    private static int keyEnd(String line) {
      char quote = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quote != 0) {
          if (c == '\\' && quote == '"') {
            i++;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '=') {
          return i;
        }
      }
      return -1;
    }

    /**
     * Finds headers and key lines at the top level; {@code end} is the last line a key's value
     * spans (multi-line arrays, inline tables and strings).
     */
    static List<Line> scan(Path file, List<String> lines) throws Refused {
      List<Line> items = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String stripped = lines.get(i).strip();
        if (stripped.isEmpty() || stripped.startsWith("#")) {
          continue;
        }
        if (stripped.startsWith("[")) {
          boolean array = stripped.startsWith("[[");
          int close = closingBracket(stripped, array ? 2 : 1);
          if (close < 0) {
            throw new Refused(
                file
                    + " line "
                    + (i + 1)
                    + " is not a valid table header; nothing"
                    + " was changed");
          }
          List<String> path = keyPath(stripped.substring(array ? 2 : 1, close));
          items.add(new Line(i, true, array, path, i));
          continue;
        }
        int eq = keyEnd(lines.get(i));
        if (eq < 0) {
          throw new Refused(
              file
                  + " line "
                  + (i + 1)
                  + " is neither a table header nor a"
                  + " key = value line; nothing was changed");
        }
        List<String> path = keyPath(lines.get(i).substring(0, eq));
        int end = valueEnd(file, lines, i, eq + 1);
        items.add(new Line(i, false, false, path, end));
        i = end;
      }
      return items;
    }

    private static int closingBracket(String header, int from) {
      char quote = 0;
      for (int i = from; i < header.length(); i++) {
        char c = header.charAt(i);
        if (quote != 0) {
          if (c == '\\' && quote == '"') {
            i++;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == ']') {
          return i;
        }
      }
      return -1;
    }

    /** The last line of a value that starts at {@code (line, col)}. */
    private static int valueEnd(Path file, List<String> lines, int line, int col) throws Refused {
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
      throw new Refused(
          file + " line " + (line + 1) + ": a value is never closed; nothing was" + " changed");
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

    private static boolean startsWith(List<String> path, List<String> prefix) {
      return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
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

  /** Reads the two value shapes coordd compares: a string, or an array of strings. */
  static final class TomlValue {
    private final String s;
    private int i;

    private TomlValue(String s) {
      this.s = s;
    }

    /** The string or list of strings, or null for anything else. */
    static Object parse(String text) {
      TomlValue p = new TomlValue(text);
      try {
        p.skip();
        Object v = p.value();
        p.skip();
        return p.i == p.s.length() ? v : null;
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        return null;
      }
    }

    private Object value() {
      char c = s.charAt(i);
      if (c == '[') {
        i++;
        List<String> items = new ArrayList<>();
        skip();
        while (s.charAt(i) != ']') {
          Object item = value();
          if (!(item instanceof String str)) {
            throw new IllegalArgumentException("not a string");
          }
          items.add(str);
          skip();
          if (s.charAt(i) == ',') {
            i++;
            skip();
          } else if (s.charAt(i) != ']') {
            throw new IllegalArgumentException("expected , or ]");
          }
        }
        i++;
        return items;
      }
      if (s.startsWith("\"\"\"", i) || s.startsWith("'''", i)) {
        throw new IllegalArgumentException("multi-line strings are not compared");
      }
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed");
        }
        String v = s.substring(i + 1, end);
        i = end + 1;
        return v;
      }
      if (c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (s.charAt(i) != '"') {
          char ch = s.charAt(i++);
          if (ch != '\\') {
            sb.append(ch);
            continue;
          }
          char e = s.charAt(i++);
          switch (e) {
            case 'b' -> sb.append('\b');
            case 't' -> sb.append('\t');
            case 'n' -> sb.append('\n');
            case 'f' -> sb.append('\f');
            case 'r' -> sb.append('\r');
            case 'e' -> sb.append('\u001b');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'u' -> {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            case 'U' -> {
              sb.appendCodePoint(Integer.parseInt(s.substring(i, i + 8), 16));
              i += 8;
            }
            default -> throw new IllegalArgumentException("bad escape");
          }
        }
        i++;
        return sb.toString();
      }
      throw new IllegalArgumentException("not a string or array");
    }

    /** Skips whitespace, newlines and comments. */
    private void skip() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '#') {
          while (i < s.length() && s.charAt(i) != '\n') {
            i++;
          }
        } else if (Character.isWhitespace(c)) {
          i++;
        } else {
          return;
        }
      }
    }
  }
}
