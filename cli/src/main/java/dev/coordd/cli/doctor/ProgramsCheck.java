package dev.coordd.cli.doctor;

import dev.coordd.daemon.config.DaemonConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The programs the configuration runs: each agent runner's CLI (claude, codex, gemini, …) and each
 * command handler's program must be found on the PATH (or at the path given), or every task that
 * needs it fails. The PATH is this environment's; a daemon run by systemd may have another.
 */
final class ProgramsCheck {
  static final String AREA = "programs";

  private ProgramsCheck() {}

  static List<Finding> check(Checkup c, DaemonConfig config) {
    List<Finding> out = new ArrayList<>();
    String path = c.env().getOrDefault("PATH", "");
    String file = c.home().resolve("config.json").toString();
    config
        .agentRunners()
        .forEach(
            (type, runner) ->
                out.add(
                    one(
                        path,
                        runner.command().get(0),
                        null,
                        "agent runner '" + type + "'",
                        "agentRunners." + type + ".command[0] in " + file)));
    config
        .commands()
        .forEach(
            (type, handler) ->
                out.add(
                    one(
                        path,
                        handler.command().get(0),
                        handler.workingDirectory(),
                        "command handler '" + type + "'",
                        "commands." + type + ".command[0] in " + file)));
    return out;
  }

  private static Finding one(String path, String program, Path cwd, String who, String setting) {
    Optional<Path> found = find(path, program, cwd);
    if (found.isPresent()) {
      return Finding.ok(AREA, who + " runs " + found.get());
    }
    String where = program.contains("/") ? "at " + program : "on the PATH (" + path + ")";
    return Finding.fail(
        AREA,
        who + " runs '" + program + "', which is not an executable " + where,
        "install "
            + program
            + " (or add its folder to the daemon's PATH), or put the program's full path in "
            + setting);
  }

  /** As the kernel's execvp looks: a name with a slash is a path, else each PATH folder. */
  static Optional<Path> find(String path, String program, Path cwd) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      if (!p.isAbsolute() && cwd != null) {
        p = cwd.resolve(p);
      }
      return executable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (executable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static boolean executable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
