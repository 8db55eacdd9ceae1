package dev.coordd.daemon.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link DaemonConfig} from, in rising precedence: the defaults, {@code
 * home/config.json}, {@code COORDD_*} environment variables, and command-line {@code --set} values.
 * All three sources obey one schema, {@code config.schema.json}. A later source replaces a setting
 * wholesale ({@code commands} and {@code agentRunners} included, not merged per type); sections
 * such as {@code store} are merged key by key.
 *
 * <p>Every problem is reported together in one {@link ConfigException}. Every value given is
 * checked against the schema, even one a later source overrides, so a mistake in config.json does
 * not lie in wait for the day the override goes away.
 */
public final class ConfigLoader {
  public static final String CONFIG_FILE = ConfigSources.CONFIG_FILE;
  public static final String ENV_PREFIX = ConfigSources.ENV_PREFIX;

  private ConfigLoader() {}

  /**
   * Loads the configuration for a home.
   *
   * @param home the daemon's home; config.json is read from it, and relative paths in the settings
   *     resolve against the folder that holds it
   * @param env the process environment; only the {@code COORDD_*} variables of settings are read
   * @param overrides command-line values by setting path (e.g. {@code pollInterval}, {@code
   *     store.kind}), as text, in the order given
   * @throws ConfigException listing every problem found
   */
  public static DaemonConfig load(
      Path home, Map<String, String> env, Map<String, String> overrides) {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(overrides, "overrides");
    List<String> problems = new ArrayList<>();
    List<SettingSource> sources = new ArrayList<>(ConfigSources.file(home, problems));
    sources.addAll(ConfigSources.env(env, problems));
    sources.addAll(ConfigSources.overrides(overrides, problems));
    for (SettingSource s : sources) {
      problems.addAll(SchemaCheck.check(s));
      problems.addAll(FeatureSettings.check(s));
    }
    // Bad values have left the trees, so the rest still binds and gets its own checks.
    ConfigBinder.Merged merged = ConfigBinder.merge(sources);
    DaemonConfig config;
    try {
      config = ConfigBinder.bind(home, merged.tree());
    } catch (IOException | IllegalArgumentException e) {
      // The schema check should leave nothing that cannot bind; say so rather than hide it.
      String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      problems.add(
          "configuration: a value the schema let through cannot be used ("
              + first
              + "); please report this, with your config.json");
      throw new ConfigException(problems);
    }
    problems.addAll(PostBindChecks.check(config, merged.origins()));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /**
   * The environment variable for a setting: {@code pollInterval} → {@code COORDD_POLL_INTERVAL}.
   */
  public static String envName(String path) {
    return ConfigSources.envName(path);
  }

  /** Every setting's path ({@code pollInterval}, {@code store.kind}), in schema order. */
  public static List<String> settings() {
    return List.copyOf(ConfigSchema.SETTINGS.keySet());
  }
}
