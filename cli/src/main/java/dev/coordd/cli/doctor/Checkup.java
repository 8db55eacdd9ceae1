package dev.coordd.cli.doctor;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What the checks look at and the seams they read the world through: the home, the environment (for
 * {@code COORDD_*} settings and {@code PATH}), the clock and the disk. {@code coordd doctor} passes
 * the real ones; tests pass a stepped clock or a nearly full disk.
 */
public record Checkup(Path home, Map<String, String> env, Clock clock, DiskSpace disk) {
  public Checkup {
    home = home.toAbsolutePath().normalize();
    env = Map.copyOf(env);
  }

  /** The real environment, clock and disk. */
  public static Checkup of(Path home) {
    return new Checkup(home, System.getenv(), Clock.systemUTC(), DiskSpace.system());
  }
}
