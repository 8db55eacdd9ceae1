package dev.coordd.cli.doctor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every check on a home, in the order a person would look: the home, the configuration, the
 * daemon, the store, the programs, the disk, the logs. A check that cannot finish becomes a FAIL of
 * its own area rather than hiding the others. Reads only; never writes into the home.
 */
public final class Doctor {
  private Doctor() {}

  /**
   * @param thorough SQLite's full {@code integrity_check} instead of {@code quick_check}
   */
  public static List<Finding> examine(Checkup c, boolean thorough) {
    List<Finding> out = new ArrayList<>(guard(HomeCheck.AREA, () -> HomeCheck.check(c)));
    if (!HomeCheck.usable(c.home())) {
      return out;
    }
    ConfigCheck.Loaded loaded = ConfigCheck.check(c);
    out.addAll(loaded.findings());
    out.addAll(guard(DaemonCheck.AREA, () -> DaemonCheck.check(c)));
    out.addAll(guard(StoreCheck.AREA, () -> StoreCheck.check(c, loaded.config(), thorough)));
    if (loaded.valid()) {
      out.addAll(guard(ProgramsCheck.AREA, () -> ProgramsCheck.check(c, loaded.config())));
    }
    out.addAll(guard(DiskCheck.AREA, () -> DiskCheck.check(c)));
    out.addAll(guard(LogsCheck.AREA, () -> LogsCheck.check(c, loaded.config())));
    return out;
  }

  /** The worst level found; OK for none. */
  public static Level worst(List<Finding> findings) {
    return findings.stream().map(Finding::level).max(Enum::compareTo).orElse(Level.OK);
  }

  private interface Check {
    List<Finding> run() throws IOException;
  }

  private static List<Finding> guard(String area, Check check) {
    try {
      return check.run();
    } catch (IOException | RuntimeException e) {
      return List.of(
          Finding.fail(
              area,
              "the check could not finish: " + e,
              "look at the path it names (permissions, a file system error); run coordd doctor"
                  + " again"));
    }
  }
}
