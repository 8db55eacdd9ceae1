package dev.coordd.cli.init;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a command resolves from the PATH, as the agent CLIs will resolve it. */
final class Launchers {
  private Launchers() {}

  /** True when an executable file named {@code command} is in a folder of $PATH. */
  static boolean onPath(String command) {
    return onPath(command, System.getenv("PATH"));
  }

  static boolean onPath(String command, String path) {
    if (path == null || path.isBlank()) {
      return false;
    }
    for (String folder : path.split(File.pathSeparator)) {
      if (folder.isBlank()) {
        continue;
      }
      try {
        Path candidate = Path.of(folder).resolve(command);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return true;
        }
      } catch (RuntimeException e) {
        // a PATH entry that is not a valid path finds nothing
      }
    }
    return false;
  }
}
