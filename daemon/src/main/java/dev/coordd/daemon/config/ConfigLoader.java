package dev.coordd.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.daemon.config.DaemonConfig.Synchronous;
import dev.coordd.internal.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Builds the {@link DaemonConfig} from, in rising precedence: the defaults, {@code
 * home/config.json}, {@code COORDD_*} environment variables, and command-line overrides. A later
 * source replaces a key wholesale ({@code commands} and {@code agentRunners} included, not merged
 * per type).
 *
 * <p>All validation happens here, once, and every problem is reported together in one {@link
 * ConfigException}. Every value given is checked, even one a later source overrides, so a mistake
 * in config.json does not lie in wait for the day the override goes away.
 */
public final class ConfigLoader {
  public static final String CONFIG_FILE = "config.json";
  public static final String ENV_PREFIX = "COORDD_";

  // Features that own their settings' shape parse them; wired here once.
  private static final java.util.function.Function<JsonNode, Object> EVENT_RULES =
      dev.coordd.daemon.events.EventRules::parseRules;
  private static final java.util.function.Function<JsonNode, Object> SCHEDULES =
      dev.coordd.daemon.schedules.Scheduler::parseConfig;

  /** The settings, in {@link DaemonConfig} order: its component names except {@code home}. */
  public static final List<String> KEYS =
      List.of(
          "name",
          "pollInterval",
          "concurrency",
          "leaseDuration",
          "heartbeatInterval",
          "offlineAfter",
          "shutdownGrace",
          "defaultMaxAttempts",
          "defaultTimeout",
          "retryBackoffBase",
          "retryBackoffMax",
          "maxPayloadBytes",
          "synchronous",
          "busyTimeout",
          "fileRoots",
          "fileMaxReadBytes",
          "commands",
          "agentRunners",
          "invocationExpiry",
          "eventRetention",
          "eventRules",
          "schedules",
          "queueLimits");

  /** Task types the daemon handles itself; a command handler cannot take their names. */
  public static final Set<String> BUILT_IN_TYPES =
      Set.of("file_operation", "coordination", "invoke_agent");

  /** COORDD_* variables that are not settings: callers read them before any config exists. */
  /**
   * COORDD_* variables that are not daemon settings: the home, the agent name sessions use, and the
   * launcher path bin/coordd exports. Any other unknown COORDD_* is reported as a likely typo.
   */
  private static final Set<String> ENV_NOT_SETTINGS =
      Set.of("COORDD_HOME", "COORDD_AGENT", "COORDD_LAUNCHER");

  private static final List<String> COMMAND_KEYS =
      List.of("command", "workingDirectory", "timeout", "schema", "maxOutputBytes");
  private static final List<String> AGENT_RUNNER_KEYS =
      List.of(
          "command",
          "promptVia",
          "timeout",
          "idleTimeout",
          "output",
          "resumeArgs",
          "maxOutputBytes");

  /** Where the prompt goes in an agent runner's argv when {@code promptVia} is {@code argv}. */
  private static final String PROMPT_PLACEHOLDER = "{command}";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Duration MIN_DURATION = Duration.ofMillis(1);
  private static final int KIB = 1 << 10;
  private static final int MIB = 1 << 20;

  // Duplicate keys would otherwise silently keep the last one; trailing text would be ignored.
  private static final ObjectReader READER =
      Json.MAPPER
          .reader()
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ConfigLoader() {}

  /**
   * Loads the configuration for a home.
   *
   * @param home the daemon's home; config.json is read from it, and relative paths in the settings
   *     resolve against the folder that holds it
   * @param env the process environment; only {@code COORDD_*} variables are read
   * @param overrides command-line values by key (the config.json key names), as text
   * @throws ConfigException listing every problem found
   */
  public static DaemonConfig load(
      Path home, Map<String, String> env, Map<String, String> overrides) {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(overrides, "overrides");
    var loader = new Loader(DaemonConfig.defaults(home));
    loader.readFile();
    loader.readEnv(env);
    loader.readOverrides(overrides);
    return loader.result();
  }

  /** The environment variable for a key: {@code pollInterval} → {@code COORDD_POLL_INTERVAL}. */
  public static String envName(String key) {
    return ENV_PREFIX + split(key, '_').toUpperCase(Locale.ROOT);
  }

  /** The command-line option for a key: {@code pollInterval} → {@code --poll-interval}. */
  public static String optionName(String key) {
    return "--" + split(key, '-').toLowerCase(Locale.ROOT);
  }

  private static String split(String camel, char separator) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1" + separator + "$2");
  }

  /**
   * Where a value came from, named as the user wrote it; {@code text} says it arrived as a string
   * (environment, command line) rather than as typed JSON, so numbers and lists are read from text.
   */
  private record Source(String where, boolean text) {}

  /** One load: the values so far and the problems so far. */
  private static final class Loader {
    private final DaemonConfig defaults;
    private final Path base; // relative paths resolve here: the folder that holds the home
    private final Map<String, Object> values = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    Loader(DaemonConfig defaults) {
      this.defaults = defaults;
      Path parent = defaults.home().getParent();
      this.base = parent == null ? defaults.home() : parent;
    }

    void readFile() {
      Path file = defaults.home().resolve(CONFIG_FILE);
      if (!Files.exists(file)) {
        return;
      }
      JsonNode root;
      try {
        root = READER.readTree(Files.readString(file));
      } catch (JsonProcessingException e) {
        problems.add(CONFIG_FILE + ": not valid JSON" + at(e) + ": " + e.getOriginalMessage());
        return;
      } catch (IOException e) {
        problems.add(CONFIG_FILE + ": cannot read " + file + ": " + e.getMessage());
        return;
      }
      var source = new Source(CONFIG_FILE, false);
      if (root.isMissingNode()) {
        problems.add(CONFIG_FILE + ": is empty; write {} for no settings");
        return;
      }
      if (!root.isObject()) {
        problems.add(CONFIG_FILE + ": must be a JSON object of settings, not " + typeName(root));
        return;
      }
      for (var field : root.properties()) {
        String key = field.getKey();
        if (KEYS.contains(key)) {
          apply(source, key, field.getValue());
        } else {
          problems.add(CONFIG_FILE + ": unknown key \"" + key + "\"" + hint(key, KEYS));
        }
      }
    }

    void readEnv(Map<String, String> env) {
      List<String> known = KEYS.stream().map(ConfigLoader::envName).toList();
      // Sorted so the problems come out in the same order every run.
      for (var e : new TreeMap<>(env).entrySet()) {
        String var = e.getKey();
        if (!var.startsWith(ENV_PREFIX) || ENV_NOT_SETTINGS.contains(var)) {
          continue;
        }
        int i = known.indexOf(var);
        if (i < 0) {
          problems.add(var + ": unknown setting" + hint(var, known));
        } else {
          apply(new Source(var, true), KEYS.get(i), text(e.getValue()));
        }
      }
    }

    void readOverrides(Map<String, String> overrides) {
      List<String> known = KEYS.stream().map(ConfigLoader::optionName).toList();
      for (var e : overrides.entrySet()) {
        String option = optionName(e.getKey());
        if (KEYS.contains(e.getKey())) {
          apply(new Source(option, true), e.getKey(), text(e.getValue()));
        } else {
          problems.add(option + ": unknown option" + hint(option, known));
        }
      }
    }

    DaemonConfig result() {
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      var d = defaults;
      return new DaemonConfig(
          d.home(),
          get("name", d.name()),
          get("pollInterval", d.pollInterval()),
          get("concurrency", (long) d.concurrency()).intValue(),
          get("leaseDuration", d.leaseDuration()),
          get("heartbeatInterval", d.heartbeatInterval()),
          get("offlineAfter", d.offlineAfter()),
          get("shutdownGrace", d.shutdownGrace()),
          get("defaultMaxAttempts", (long) d.defaultMaxAttempts()).intValue(),
          get("defaultTimeout", d.defaultTimeout()),
          get("retryBackoffBase", d.retryBackoffBase()),
          get("retryBackoffMax", d.retryBackoffMax()),
          get("maxPayloadBytes", (long) d.maxPayloadBytes()).intValue(),
          get("synchronous", d.synchronous()),
          get("busyTimeout", d.busyTimeout()),
          get("fileRoots", d.fileRoots()),
          get("fileMaxReadBytes", d.fileMaxReadBytes()),
          get("commands", d.commands()),
          get("agentRunners", d.agentRunners()),
          get("invocationExpiry", d.invocationExpiry()),
          get("eventRetention", d.eventRetention()),
          get("eventRules", d.eventRules()),
          get("schedules", d.schedules()),
          get("queueLimits", d.queueLimits()));
    }

    @SuppressWarnings("unchecked")
    private <T> T get(String key, T fallback) {
      return (T) values.getOrDefault(key, fallback);
    }

    /** Checks one value and keeps it if good; a bad value leaves a problem instead. */
    private void apply(Source src, String key, JsonNode v) {
      Object parsed =
          switch (key) {
            case "name" -> name(src, key, v);
            case "concurrency" -> integer(src, key, v, 1, 1024, "a whole number from 1 to 1024");
            case "defaultMaxAttempts" ->
                integer(src, key, v, 1, 100, "a whole number from 1 to 100");
            case "maxPayloadBytes" ->
                integer(
                    src,
                    key,
                    v,
                    KIB,
                    64 * MIB,
                    "a whole number of bytes from 1024 (1 KiB) to 67108864 (64 MiB)");
            case "fileMaxReadBytes" ->
                integer(src, key, v, 1, Long.MAX_VALUE, "a positive whole number of bytes");
            case "synchronous" -> synchronous(src, key, v);
            case "fileRoots" -> fileRoots(src, key, v);
            case "commands" -> commands(src, key, v);
            case "agentRunners" -> agentRunners(src, key, v);
            case "queueLimits" -> queueLimits(src, key, v);
            case "eventRules" -> parsed(src, key, v, EVENT_RULES);
            case "schedules" -> parsed(src, key, v, SCHEDULES);
            default -> duration(src, key, v); // every other key is a duration
          };
      if (parsed != null) {
        values.put(key, parsed);
      }
    }

    private String name(Source src, String key, JsonNode v) {
      if (v.isTextual() && NAME.matcher(v.textValue()).matches()) {
        return v.textValue();
      }
      return invalid(
          src,
          key,
          v,
          "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    private Synchronous synchronous(Source src, String key, JsonNode v) {
      if (v.isTextual()) {
        for (Synchronous s : Synchronous.values()) {
          if (s.name().equalsIgnoreCase(v.textValue().strip())) {
            return s;
          }
        }
      }
      return invalid(src, key, v, "must be FULL or NORMAL (any case)");
    }

    private Duration duration(Source src, String key, JsonNode v) {
      Duration d;
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        d = Duration.ofMillis(v.longValue());
      } else if (v.isTextual()) {
        try {
          d = Durations.parse(v.textValue());
        } catch (IllegalArgumentException e) {
          return invalid(src, key, v, "must be " + Durations.ALLOWED_FORMS);
        }
      } else {
        return invalid(
            src,
            key,
            v,
            "must be a duration string like \"5s\" or a whole number of milliseconds, not "
                + typeName(v));
      }
      // Zero or sub-millisecond would mean busy loops or instant timeouts, never what is meant.
      if (d.compareTo(MIN_DURATION) < 0) {
        return invalid(src, key, v, "must be at least 1ms");
      }
      return d;
    }

    private Long integer(Source src, String key, JsonNode v, long min, long max, String allowed) {
      Long n = null;
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        n = v.longValue();
      } else if (src.text() && v.isTextual() && INTEGER.matcher(v.textValue().strip()).matches()) {
        n = Long.parseLong(v.textValue().strip());
      }
      if (n == null) {
        boolean wrongType = !v.isNumber() && !(src.text() && v.isTextual());
        return invalid(
            src, key, v, "must be " + allowed + (wrongType ? ", not " + typeName(v) : ""));
      }
      if (n < min || n > max) {
        return invalid(src, key, v, "must be " + allowed);
      }
      return n;
    }

    private List<Path> fileRoots(Source src, String key, JsonNode v) {
      List<String> texts = new ArrayList<>();
      if (src.text() && v.isTextual()) {
        // The OS path-list separator (':' on Unix), as in PATH; empty entries are skipped.
        for (String part : v.textValue().split(Pattern.quote(File.pathSeparator))) {
          if (!part.isEmpty()) {
            texts.add(part);
          }
        }
      } else if (v.isArray()) {
        for (JsonNode e : v) {
          if (!e.isTextual() || e.textValue().isBlank()) {
            return invalid(src, key, v, "must be an array of directory paths");
          }
          texts.add(e.textValue());
        }
      } else {
        return invalid(src, key, v, "must be an array of directory paths, not " + typeName(v));
      }
      List<Path> roots = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        Path root = directory(src, key + "[" + i + "]", texts.get(i));
        if (root != null) {
          roots.add(root);
        }
      }
      return roots.size() == texts.size() ? roots : null;
    }

    /** An existing directory, relative to the home's parent, absolute and normalized. */
    private Path directory(Source src, String key, String text) {
      Path path;
      try {
        path = base.resolve(text).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        return invalid(src, key, text(text), "is not a valid path: " + e.getReason());
      }
      if (!Files.isDirectory(path)) {
        return invalid(
            src,
            key,
            text(text),
            "must be an existing directory; "
                + path
                + " is not (relative paths resolve against "
                + base
                + ")");
      }
      return path;
    }

    private Map<String, CommandHandlerConfig> commands(Source src, String key, JsonNode v) {
      if (src.text() && v.isTextual()) {
        // From the environment or command line the whole map comes as JSON text.
        v = jsonText(src, key, v);
        if (v == null) {
          return null;
        }
        src = new Source(src.where(), false);
      }
      if (!v.isObject()) {
        return invalid(
            src,
            key,
            v,
            "must be an object of task type to {\"command\": [\"program\", \"arg\"]}, not "
                + typeName(v));
      }
      var handlers = new TreeMap<String, CommandHandlerConfig>();
      boolean ok = true;
      for (var field : v.properties()) {
        String type = field.getKey();
        if (!TYPE.matcher(type).matches()) {
          invalid(
              src,
              key,
              text(type),
              "task type names must be 1 to 64 of a-z, 0-9, '_', '.' or '-', starting with a-z");
          ok = false;
        } else if (BUILT_IN_TYPES.contains(type)) {
          invalid(
              src,
              key,
              text(type),
              "is a built-in task type ("
                  + String.join(", ", new TreeSet<>(BUILT_IN_TYPES))
                  + "); choose another name");
          ok = false;
        }
        CommandHandlerConfig handler = handler(src, key + "." + type, field.getValue());
        if (handler == null) {
          ok = false;
        } else {
          handlers.put(type, handler);
        }
      }
      return ok ? handlers : null;
    }

    private CommandHandlerConfig handler(Source src, String key, JsonNode v) {
      if (!v.isObject()) {
        return invalid(
            src,
            key,
            v,
            "must be an object like {\"command\": [\"program\", \"arg\"]}, not " + typeName(v));
      }
      int before = problems.size();
      for (var field : v.properties()) {
        if (!COMMAND_KEYS.contains(field.getKey())) {
          problems.add(
              src.where()
                  + ": unknown key \""
                  + key
                  + "."
                  + field.getKey()
                  + "\""
                  + hint(field.getKey(), COMMAND_KEYS));
        }
      }
      List<String> command = argv(src, key + ".command", v.get("command"));
      JsonNode dir = v.get("workingDirectory");
      Path workingDirectory = null;
      if (present(dir)) {
        workingDirectory =
            dir.isTextual() && !dir.textValue().isBlank()
                ? directory(src, key + ".workingDirectory", dir.textValue())
                : invalid(src, key + ".workingDirectory", dir, "must be a directory path");
      }
      JsonNode t = v.get("timeout");
      Duration timeout = present(t) ? duration(src, key + ".timeout", t) : null;
      JsonNode schema = v.get("schema");
      if (present(schema) && !schema.isObject() && !schema.isBoolean()) {
        invalid(src, key + ".schema", schema, "must be a JSON Schema: an object or a boolean");
      }
      JsonNode max = v.get("maxOutputBytes");
      Long maxOutputBytes =
          present(max)
              ? integer(
                  src,
                  key + ".maxOutputBytes",
                  max,
                  1,
                  64 * MIB,
                  "a whole number of bytes from 1 to 67108864 (64 MiB)")
              : Long.valueOf(CommandHandlerConfig.DEFAULT_MAX_OUTPUT_BYTES);
      if (problems.size() > before) {
        return null;
      }
      return new CommandHandlerConfig(
          command,
          workingDirectory,
          timeout,
          present(schema) ? schema : null,
          maxOutputBytes.intValue());
    }

    /** Task type → the most of its tasks that may run at once. */
    private Map<String, Integer> queueLimits(Source src, String key, JsonNode v) {
      if (src.text() && v.isTextual()) {
        v = jsonText(src, key, v);
        if (v == null) {
          return null;
        }
        src = new Source(src.where(), false);
      }
      if (!v.isObject()) {
        return invalid(
            src,
            key,
            v,
            "must be an object of task type to a limit, like"
                + " {\"build\": 2}, not "
                + typeName(v));
      }
      Map<String, Integer> limits = new TreeMap<>();
      boolean ok = true;
      for (var field : v.properties()) {
        if (!TYPE.matcher(field.getKey()).matches()) {
          invalid(
              src,
              key,
              text(field.getKey()),
              "task type names must be 1 to 64 of a-z, 0-9, '_', '.' or '-', starting with a-z");
          ok = false;
          continue;
        }
        Long n =
            integer(
                src,
                key + "." + field.getKey(),
                field.getValue(),
                1,
                100_000,
                "a whole number from 1 to 100000");
        if (n == null) {
          ok = false;
        } else {
          limits.put(field.getKey(), n.intValue());
        }
      }
      return ok ? limits : null;
    }

    /** A setting whose shape its feature checks (event rules, schedules). */
    private Object parsed(
        Source src, String key, JsonNode v, java.util.function.Function<JsonNode, Object> parser) {
      if (src.text() && v.isTextual()) {
        v = jsonText(src, key, v);
        if (v == null) {
          return null;
        }
      }
      try {
        return parser.apply(v);
      } catch (IllegalArgumentException e) {
        return invalid(src, key, v, e.getMessage());
      }
    }

    /** A setting given as JSON text (environment, command line), parsed; null if not JSON. */
    private JsonNode jsonText(Source src, String key, JsonNode v) {
      try {
        return READER.readTree(v.textValue());
      } catch (JsonProcessingException e) {
        return invalid(
            src,
            key,
            v,
            "must be a JSON object; not valid JSON" + at(e) + ": " + e.getOriginalMessage());
      }
    }

    private Map<String, AgentRunnerConfig> agentRunners(Source src, String key, JsonNode v) {
      if (src.text() && v.isTextual()) {
        v = jsonText(src, key, v);
        if (v == null) {
          return null;
        }
        src = new Source(src.where(), false);
      }
      if (!v.isObject()) {
        return invalid(
            src,
            key,
            v,
            "must be an object of agent type to {\"command\": [\"program\", \"{command}\"]},"
                + " not "
                + typeName(v));
      }
      var runners = new TreeMap<String, AgentRunnerConfig>();
      boolean ok = true;
      for (var field : v.properties()) {
        String agentType = field.getKey();
        if (!TYPE.matcher(agentType).matches()) {
          invalid(
              src,
              key,
              text(agentType),
              "agent type names must be 1 to 64 of a-z, 0-9, '_', '.' or '-', starting with a-z");
          ok = false;
        }
        AgentRunnerConfig runner = agentRunner(src, key + "." + agentType, field.getValue());
        if (runner == null) {
          ok = false;
        } else {
          runners.put(agentType, runner);
        }
      }
      return ok ? runners : null;
    }

    private AgentRunnerConfig agentRunner(Source src, String key, JsonNode v) {
      if (!v.isObject()) {
        return invalid(
            src,
            key,
            v,
            "must be an object like {\"command\": [\"claude\", \"-p\", \"{command}\"]}, not "
                + typeName(v));
      }
      int before = problems.size();
      for (var field : v.properties()) {
        if (!AGENT_RUNNER_KEYS.contains(field.getKey())) {
          problems.add(
              src.where()
                  + ": unknown key \""
                  + key
                  + "."
                  + field.getKey()
                  + "\""
                  + hint(field.getKey(), AGENT_RUNNER_KEYS));
        }
      }
      List<String> command = argv(src, key + ".command", v.get("command"));
      String promptVia =
          oneOf(
              src,
              key + ".promptVia",
              v.get("promptVia"),
              AgentRunnerConfig.PROMPT_VIA,
              AgentRunnerConfig.DEFAULT_PROMPT_VIA);
      if (command != null
          && "argv".equals(promptVia)
          && command.stream().noneMatch(arg -> arg.contains(PROMPT_PLACEHOLDER))) {
        invalid(
            src,
            key + ".command",
            v.get("command"),
            "must have an argument containing "
                + PROMPT_PLACEHOLDER
                + ", which the prompt"
                + " replaces when promptVia is \"argv\" (or set promptVia to \"stdin\")");
      }
      JsonNode t = v.get("timeout");
      Duration timeout =
          present(t) ? duration(src, key + ".timeout", t) : AgentRunnerConfig.DEFAULT_TIMEOUT;
      JsonNode idle = v.get("idleTimeout");
      Duration idleTimeout =
          present(idle)
              ? duration(src, key + ".idleTimeout", idle)
              : AgentRunnerConfig.DEFAULT_IDLE_TIMEOUT;
      String output =
          oneOf(
              src,
              key + ".output",
              v.get("output"),
              AgentRunnerConfig.OUTPUTS,
              AgentRunnerConfig.DEFAULT_OUTPUT);
      JsonNode resume = v.get("resumeArgs");
      List<String> resumeArgs =
          present(resume) ? args(src, key + ".resumeArgs", resume) : List.of();
      JsonNode max = v.get("maxOutputBytes");
      Long maxOutputBytes =
          present(max)
              ? integer(
                  src,
                  key + ".maxOutputBytes",
                  max,
                  KIB,
                  256 * MIB,
                  "a whole number of bytes from 1024 (1 KiB) to 268435456 (256 MiB)")
              : Long.valueOf(AgentRunnerConfig.DEFAULT_MAX_OUTPUT_BYTES);
      if (problems.size() > before) {
        return null;
      }
      return new AgentRunnerConfig(
          command, promptVia, timeout, idleTimeout, output, resumeArgs, maxOutputBytes.intValue());
    }

    /** One of a fixed list of words, exactly as listed; absent or null gives the default. */
    private String oneOf(
        Source src, String key, JsonNode v, List<String> allowed, String fallback) {
      if (!present(v)) {
        return fallback;
      }
      if (v.isTextual() && allowed.contains(v.textValue())) {
        return v.textValue();
      }
      String words = String.join(", ", allowed.stream().map(w -> "\"" + w + "\"").toList());
      return invalid(src, key, v, "must be one of " + words);
    }

    /** Extra arguments: an array of strings, possibly empty; empty strings are refused. */
    private List<String> args(Source src, String key, JsonNode v) {
      String allowed =
          "must be an array of non-empty strings, like [\"--resume\", \"{sessionId}\"]";
      if (!v.isArray()) {
        return invalid(src, key, v, allowed + ", not " + typeName(v));
      }
      List<String> args = new ArrayList<>();
      for (JsonNode arg : v) {
        if (!arg.isTextual() || arg.textValue().isEmpty()) {
          return invalid(src, key, v, allowed);
        }
        args.add(arg.textValue());
      }
      return args;
    }

    /** The argv: never a shell string, so a plain string is refused rather than split. */
    private List<String> argv(Source src, String key, JsonNode v) {
      String allowed =
          "must be a non-empty array of non-empty strings, like [\"program\", \"arg\"]";
      if (v == null) {
        problems.add(src.where() + ": " + key + " is missing: it " + allowed);
        return null;
      }
      if (!v.isArray() || v.isEmpty()) {
        return invalid(src, key, v, allowed);
      }
      List<String> argv = new ArrayList<>();
      for (JsonNode arg : v) {
        if (!arg.isTextual() || arg.textValue().isEmpty()) {
          return invalid(src, key, v, allowed);
        }
        argv.add(arg.textValue());
      }
      return argv;
    }

    /** Records a problem and returns null, so a parser can {@code return invalid(...)}. */
    private <T> T invalid(Source src, String key, JsonNode value, String allowed) {
      problems.add(src.where() + ": " + key + " = " + render(value) + ": " + allowed);
      return null;
    }
  }

  private static boolean present(JsonNode v) {
    return v != null && !v.isNull();
  }

  private static JsonNode text(String s) {
    return s == null ? NullNode.getInstance() : TextNode.valueOf(s);
  }

  private static String at(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /** The value as JSON, cut short so one huge value does not bury the other problems. */
  private static String render(JsonNode v) {
    String s = v.toString();
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String typeName(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case BINARY, MISSING -> "nothing";
    };
  }

  /**
   * "; did you mean X?" for a near miss (a typo, wrong case, or a shortened name like {@code
   * workingDir}), else the list of known names, since a far-off guess would only mislead.
   */
  private static String hint(String name, List<String> known) {
    String lower = name.toLowerCase(Locale.ROOT);
    String closest =
        known.stream().min(Comparator.comparingInt(k -> distance(name, k))).orElseThrow();
    if (distance(name, closest) <= Math.max(2, name.length() / 3)) {
      return "; did you mean \"" + closest + "\"?";
    }
    for (String k : known) {
      if (lower.length() >= 4 && k.toLowerCase(Locale.ROOT).startsWith(lower)) {
        return "; did you mean \"" + k + "\"?";
      }
    }
    return "; known: " + String.join(", ", known);
  }

  /** Levenshtein distance, ignoring case so {@code pollinterval} finds {@code pollInterval}. */
  static int distance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT);
    b = b.toLowerCase(Locale.ROOT);
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
