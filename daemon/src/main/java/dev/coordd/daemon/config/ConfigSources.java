package dev.coordd.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each source of settings into a tree shaped like config.json: the file, the {@code COORDD_*}
 * environment and command-line {@code --set} values. Problems that stop a source from being read at
 * all (malformed JSON, an unknown {@code --set} key) are added to the list given.
 */
final class ConfigSources {
  static final String CONFIG_FILE = "config.json";
  static final String ENV_PREFIX = "COORDD_";

  /**
   * COORDD_* variables that are not daemon settings: the home, the agent name sessions use, and the
   * launcher path bin/coordd exports.
   */
  private static final Set<String> ENV_NOT_SETTINGS =
      Set.of("COORDD_HOME", "COORDD_AGENT", "COORDD_LAUNCHER");

  private static final Logger LOG = LoggerFactory.getLogger(ConfigSources.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ConfigSources() {}

  /** {@code home/config.json}, or an empty list when there is none or it cannot be read. */
  static List<SettingSource> file(Path home, List<String> problems) {
    Path file = home.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonNode root;
    try {
      root = TextValues.STRICT.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      problems.add(
          CONFIG_FILE + ": not valid JSON" + TextValues.at(e) + ": " + e.getOriginalMessage());
      return List.of();
    } catch (IOException e) {
      problems.add(CONFIG_FILE + ": cannot read " + file + ": " + e.getMessage());
      return List.of();
    }
    if (root.isMissingNode()) {
      problems.add(CONFIG_FILE + ": is empty; write {} for no settings");
      return List.of();
    }
    if (!(root instanceof ObjectNode tree)) {
      problems.add(
          CONFIG_FILE + ": must be a JSON object of settings, not " + Problems.typeName(root));
      return List.of();
    }
    return List.of(new SettingSource(CONFIG_FILE, tree, tree.deepCopy(), false));
  }

  /**
   * The daemon's own settings in the environment, in name order. Other COORDD_* variables may be
   * meant for other commands, so they never stop the daemon: a near miss of a setting's name is
   * logged as a likely typo, anything else is ignored.
   */
  static List<SettingSource> env(Map<String, String> env, List<String> problems) {
    Map<String, String> byEnvName = new TreeMap<>();
    ConfigSchema.SETTINGS.keySet().forEach(path -> byEnvName.put(envName(path), path));
    List<String> suffixes =
        byEnvName.keySet().stream().map(n -> n.substring(ENV_PREFIX.length())).toList();
    List<SettingSource> sources = new ArrayList<>();
    for (var e : new TreeMap<>(env).entrySet()) {
      String var = e.getKey();
      if (!var.startsWith(ENV_PREFIX) || ENV_NOT_SETTINGS.contains(var)) {
        continue;
      }
      String path = byEnvName.get(var);
      if (path != null) {
        sources.add(text(var, path, e.getValue(), problems));
      } else {
        // Compared without the prefix, which every name shares and would make anything look close.
        NearMiss.of(var.substring(ENV_PREFIX.length()), suffixes)
            .ifPresent(
                k ->
                    LOG.warn(
                        "{} is not a daemon setting (ignored); did you mean {}{}?",
                        var,
                        ENV_PREFIX,
                        k));
      }
    }
    return sources;
  }

  /** {@code --set path=value} values in the order given; an unknown path is a problem. */
  static List<SettingSource> overrides(Map<String, String> overrides, List<String> problems) {
    List<SettingSource> sources = new ArrayList<>();
    List<String> known = List.copyOf(ConfigSchema.SETTINGS.keySet());
    for (var e : overrides.entrySet()) {
      String path = e.getKey();
      String where = "--set " + path;
      if (schemaAt(path) == null) {
        problems.add(where + ": unknown setting" + NearMiss.hint(path, known));
      } else {
        sources.add(text(where, path, e.getValue(), problems));
      }
    }
    return sources;
  }

  /**
   * The environment variable for a setting: {@code store.pool.maxSize} → {@code
   * COORDD_STORE_POOL_MAX_SIZE}.
   */
  static String envName(String path) {
    return ENV_PREFIX
        + path.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /** The schema of a setting or section by dotted path, or null when there is none. */
  static JsonNode schemaAt(String path) {
    JsonNode schema = ConfigSchema.ROOT;
    for (String key : path.split("\\.", -1)) {
      schema = ConfigSchema.resolve(schema).path("properties").get(key);
      if (schema == null) {
        return null;
      }
    }
    return schema;
  }

  private static SettingSource text(String where, String path, String text, List<String> problems) {
    ObjectNode tree = NODES.objectNode();
    ObjectNode raw = NODES.objectNode();
    String[] keys = path.split("\\.");
    ObjectNode t = tree;
    ObjectNode r = raw;
    for (int i = 0; i < keys.length - 1; i++) {
      t = t.putObject(keys[i]);
      r = r.putObject(keys[i]);
    }
    String last = keys[keys.length - 1];
    r.put(last, text);
    try {
      t.set(last, TextValues.read(schemaAt(path), text));
    } catch (IllegalArgumentException e) {
      problems.add(Problems.invalid(where, path, NODES.textNode(text), e.getMessage()));
      return new SettingSource(where, NODES.objectNode(), raw, true);
    }
    return new SettingSource(where, tree, raw, true);
  }
}
