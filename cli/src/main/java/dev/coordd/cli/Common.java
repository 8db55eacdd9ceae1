package dev.coordd.cli;

import dev.coordd.client.CoorddClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: which home, and whether to print JSON for scripts. */
public final class Common {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "Home folder (default: $COORDD_HOME or ./.coordd).")
  public Path home;

  @Option(names = "--json", description = "Print JSON instead of text, for scripts.")
  public boolean json;

  public Path home() {
    return Homes.resolve(home);
  }

  public CoorddClient connect() {
    return CoorddClient.connect(home());
  }
}
