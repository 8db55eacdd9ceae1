package dev.coordd.cli.check;

import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.cli.Shell;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code coordd check} finds the invocations of a home. On SQLite (one machine) they are
 * files in the home, read and taken even with no daemon running. With a PostgreSQL store (a
 * cluster) they live in the shared database, and the rule is simple: cluster mode needs this
 * machine's daemon running, and every check command goes through it; without one the command says
 * so instead of guessing (the home's files would show nothing, or stale leftovers).
 */
public final class ClusterInvocations {
  private ClusterInvocations() {}

  /**
   * True when the home's configuration names a PostgreSQL store. A configuration that does not load
   * is treated as a single-machine home, as before clusters existed: the files still work.
   */
  public static boolean inDatabase(Path home) {
    if (!mayNameAnotherStore(home)) {
      return false; // the usual single-machine home, answered without loading the configuration
    }
    try {
      return ConfigLoader.load(home, System.getenv(), Map.of()).store().kind()
          == StoreSettings.Kind.POSTGRES;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * False only when the store is surely the default: no {@code COORDD_STORE*} variable and no
   * config.json mentioning postgres. Loading the configuration (Jackson, the schema) costs a short
   * command such as {@code coordd check} tens of milliseconds, so single-machine homes skip it.
   */
  private static boolean mayNameAnotherStore(Path home) {
    for (String name : System.getenv().keySet()) {
      if (name.startsWith("COORDD_STORE")) {
        return true;
      }
    }
    Path config = home.resolve(ConfigLoader.CONFIG_FILE);
    try {
      return Files.isRegularFile(config) && Files.readString(config).contains("postgres");
    } catch (IOException | RuntimeException e) {
      return true; // unreadable here: the full load decides (and treats a broken one as SQLite)
    }
  }

  /** The local daemon of a cluster home, or an error that says how to get one. */
  static CoorddClient daemon(Path home) {
    try {
      return CoorddClient.connect(home);
    } catch (DaemonNotRunningException e) {
      throw new DaemonNotRunningException(notRunning(home, e.getMessage()));
    }
  }

  static String notRunning(Path home, String why) {
    return "this home's store is PostgreSQL (cluster mode): invocations live in the shared"
        + " database and coordd check reaches them through this machine's daemon, but none"
        + " answers ("
        + why
        + "); start it: coordd daemon --home "
        + Shell.quote(home.toString());
  }
}
