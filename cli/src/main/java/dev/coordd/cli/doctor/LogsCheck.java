package dev.coordd.cli.doctor;

import ch.qos.logback.core.util.FileSize;
import dev.coordd.daemon.config.DaemonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The log folder against its cap ({@code logging.maxTotalSize}). The daemon prunes rolled files to
 * the cap; a folder well over it means pruning stopped or the files are not the daemon's.
 */
final class LogsCheck {
  static final String AREA = "logs";

  /** The live file may pass the cap until it rolls at 10 MB; more than this over is a problem. */
  private static final long SLACK = 20L << 20;

  private LogsCheck() {}

  static List<Finding> check(Checkup c, DaemonConfig config) throws IOException {
    Path logs = c.home().resolve("logs");
    if (!Files.isDirectory(logs)) {
      return List.of(Finding.ok(AREA, "no log folder yet (the daemon writes " + logs + ")"));
    }
    long total = 0;
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          total += Files.size(p);
        }
      }
    }
    String cap = config.logging().maxTotalSize();
    long capBytes = FileSize.valueOf(cap).getSize();
    String text = logs + " holds " + Sizes.human(total) + " (cap logging.maxTotalSize " + cap + ")";
    if (total > capBytes + SLACK) {
      return List.of(
          Finding.warn(
              AREA,
              text + ": over its cap",
              "remove old rolled files (ls -lt "
                  + logs
                  + "), and lower logging.levels or logging.maxTotalSize in "
                  + c.home().resolve("config.json")));
    }
    return List.of(Finding.ok(AREA, text));
  }
}
