package dev.coordd.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home} alone, for commands that print no JSON (those take {@link Common}). */
public final class HomeOption {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "Home folder (default: $COORDD_HOME or ./.coordd).")
  Path home;

  public Path resolve() {
    return Homes.resolve(home);
  }
}
