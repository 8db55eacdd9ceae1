package dev.coordd.cli.doctor;

import dev.coordd.daemon.config.ConfigException;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration, loaded and validated by the daemon's own loader (config.json and the {@code
 * COORDD_*} variables of this environment), so a problem reads exactly as the daemon would say it
 * at start.
 */
final class ConfigCheck {
  static final String AREA = "config";

  /**
   * @param config the loaded configuration; the defaults when it is invalid, so the other checks
   *     still look at the store and logs where the daemon keeps them by default
   * @param valid whether it loaded
   */
  record Loaded(List<Finding> findings, DaemonConfig config, boolean valid) {}

  private ConfigCheck() {}

  static Loaded check(Checkup c) {
    String file = c.home().resolve(ConfigLoader.CONFIG_FILE).toString();
    try {
      DaemonConfig config = ConfigLoader.load(c.home(), c.env(), Map.of());
      String source =
          Files.exists(c.home().resolve(ConfigLoader.CONFIG_FILE))
              ? file
              : "no " + ConfigLoader.CONFIG_FILE + ", the defaults";
      return new Loaded(
          List.of(Finding.ok(AREA, "the configuration is valid (" + source + ")")), config, true);
    } catch (ConfigException e) {
      List<Finding> out = new ArrayList<>();
      for (String problem : e.problems()) {
        out.add(
            Finding.fail(
                AREA,
                "invalid configuration: " + problem,
                "edit " + file + " (or the COORDD_* variable) as the line says"));
      }
      return new Loaded(out, DaemonConfig.defaults(c.home()), false);
    }
  }
}
