package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.daemon.store.StoreSettings.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the schema cannot say, checked on the bound configuration: folders must exist, an agent
 * runner fed by argv needs a place for the prompt, command handlers cannot take a built-in task
 * type, and a PostgreSQL store needs its URL. Each problem names the source that gave the value.
 */
final class PostBindChecks {
  /** Task types the daemon handles itself; a command handler cannot take their names. */
  static final Set<String> BUILT_IN_TYPES =
      Set.of("file_operation", "coordination", "invoke_agent");

  /** Where the prompt goes in an agent runner's argv when {@code promptVia} is {@code argv}. */
  static final String PROMPT_PLACEHOLDER = "{command}";

  private final DaemonConfig config;
  private final Map<String, SettingSource> origins;
  private final Path base;
  private final List<String> problems = new ArrayList<>();

  private PostBindChecks(DaemonConfig config, Map<String, SettingSource> origins) {
    this.config = config;
    this.origins = origins;
    this.base = ConfigBinder.base(config.home());
  }

  static List<String> check(DaemonConfig config, Map<String, SettingSource> origins) {
    var c = new PostBindChecks(config, origins);
    c.fileRoots();
    c.leases();
    c.commands();
    c.agentRunners();
    c.store();
    c.http();
    return c.problems;
  }

  private void fileRoots() {
    List<Path> roots = config.fileRoots();
    for (int i = 0; i < roots.size(); i++) {
      directory("fileRoots", "/fileRoots/" + i, "fileRoots[" + i + "]", roots.get(i));
    }
  }

  private void leases() {
    for (var e : config.leases().entrySet()) {
      if (e.getValue().compareTo(DaemonConfig.MAX_LEASE) > 0) {
        problem(
            "leases",
            "leases." + e.getKey(),
            shown("leases", "/leases/" + e.getKey()),
            "must be at most 24h: a longer lease would keep a task from a session that died for"
                + " more than a day");
      }
    }
  }

  private void commands() {
    for (var e : config.commands().entrySet()) {
      String type = e.getKey();
      if (BUILT_IN_TYPES.contains(type)) {
        problem(
            "commands",
            "commands",
            TextNode.valueOf(type),
            "is a built-in task type ("
                + String.join(", ", new TreeSet<>(BUILT_IN_TYPES))
                + "); choose another name");
      }
      Path dir = e.getValue().workingDirectory();
      if (dir != null) {
        String path = "commands." + type + ".workingDirectory";
        directory("commands", "/commands/" + type + "/workingDirectory", path, dir);
      }
    }
  }

  private void agentRunners() {
    for (var e : config.agentRunners().entrySet()) {
      AgentRunnerConfig runner = e.getValue();
      if ("argv".equals(runner.promptVia())
          && runner.command().stream().noneMatch(arg -> arg.contains(PROMPT_PLACEHOLDER))) {
        String path = "agentRunners." + e.getKey() + ".command";
        problem(
            "agentRunners",
            path,
            shown("agentRunners", "/agentRunners/" + e.getKey() + "/command"),
            "must have an argument containing "
                + PROMPT_PLACEHOLDER
                + ", which the prompt replaces when promptVia is \"argv\" (or set promptVia to"
                + " \"stdin\")");
      }
    }
  }

  private void store() {
    StoreConfig store = config.store();
    if (store.kind() == Kind.POSTGRES && store.url() == null) {
      problem(
          "store.kind",
          "store.kind",
          TextNode.valueOf("postgres"),
          "needs store.url too, a JDBC URL like jdbc:postgresql://host:5432/coordd");
    } else if (store.kind() == Kind.SQLITE && store.url() != null) {
      problem(
          "store.url",
          "store.url",
          TextNode.valueOf(store.url()),
          "is only for store.kind \"postgres\"; the sqlite store lives in the home, so remove"
              + " store.url or set store.kind to \"postgres\"");
    }
  }

  private void http() {
    HttpConfig http = config.http();
    if (!http.loopback() && !http.allowRemote()) {
      problem(
          "http.host",
          "http.host",
          TextNode.valueOf(http.host()),
          "is not a loopback address, so the HTTP door would be reachable from other machines;"
              + " set http.allowRemote to true as well if that is meant (the token is still"
              + " required), or use 127.0.0.1");
    }
  }

  private void directory(String setting, String pointer, String path, Path dir) {
    // Only folders the user named: the default root, the folder that holds the home, may not
    // exist yet (the daemon creates the home), as before.
    if (origins.containsKey(setting) && !Files.isDirectory(dir)) {
      problem(
          setting,
          path,
          shown(setting, pointer),
          "must be an existing directory; "
              + dir
              + " is not (relative paths resolve against "
              + base
              + ")");
    }
  }

  private JsonNode shown(String setting, String pointer) {
    SettingSource s = origins.get(setting);
    return s == null ? TextNode.valueOf(pointer) : s.shown(pointer);
  }

  private void problem(String setting, String path, JsonNode value, String allowed) {
    SettingSource s = origins.get(setting);
    problems.add(Problems.invalid(s == null ? "default" : s.where(), path, value, allowed));
  }
}
