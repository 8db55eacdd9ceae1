package dev.coordd.cli;

import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;

/** Where the home is: {@code --home}, else {@code COORDD_HOME}, else {@code ./.coordd}. */
public final class Homes {
  private Homes() {}

  public static Path resolve(Path option) {
    if (option != null) {
      return option.toAbsolutePath().normalize();
    }
    String env = System.getenv("COORDD_HOME");
    Path home = env == null || env.isBlank() ? Path.of(DaemonConfig.DEFAULT_HOME) : Path.of(env);
    return home.toAbsolutePath().normalize();
  }
}
