package dev.coordd.cli.service;

import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Which unit and where: the options install and uninstall share. */
final class UnitPlace {
  private static final Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.-]{0,200}");

  @Option(
      names = "--user",
      description =
          "A unit of your user's systemd (~/.config/systemd/user), started at login (or at boot"
              + " with loginctl enable-linger); default: a system unit in /etc/systemd/system.")
  boolean user;

  @Option(
      names = "--unit",
      paramLabel = "NAME",
      defaultValue = "coordd",
      description = "The unit's name, one per home (default: ${DEFAULT-VALUE}).")
  String unit;

  @Option(
      names = "--unit-dir",
      paramLabel = "DIR",
      description = "Write into this folder instead of systemd's (for packaging and tests).")
  Path unitDir;

  /** The unit's file name, checked: systemd accepts only these characters. */
  String fileName() {
    String name = unit.endsWith(".service") ? unit.substring(0, unit.length() - 8) : unit;
    if (!UNIT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "--unit '"
              + unit
              + "' is not a unit name: use letters, digits and : _ . - (e.g. coordd-myproject)");
    }
    return name + ".service";
  }

  Path folder() {
    if (unitDir != null) {
      return unitDir.toAbsolutePath().normalize();
    }
    if (!user) {
      return Path.of("/etc/systemd/system");
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path config =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return config.resolve("systemd").resolve("user").toAbsolutePath().normalize();
  }

  Path file() {
    return folder().resolve(fileName());
  }

  /** {@code systemctl} or {@code systemctl --user}. */
  String systemctl() {
    return user ? "systemctl --user" : "systemctl";
  }
}
