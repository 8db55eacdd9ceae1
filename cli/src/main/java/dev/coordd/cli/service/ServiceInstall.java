package dev.coordd.cli.service;

import dev.coordd.cli.HomeOption;
import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the unit (or prints it) and says how to enable it. */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Write a systemd unit that runs the daemon on this home, restarted on failure.",
      "It does not start anything: it prints the systemctl commands to run."
    })
final class ServiceInstall implements Callable<Integer> {
  @Mixin UnitPlace place;
  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(
      names = "--launcher",
      paramLabel = "PATH",
      description =
          "The coordd command the unit runs (default: the one running now, $COORDD_LAUNCHER).")
  Path launcher;

  @Option(
      names = "--java-opts",
      paramLabel = "OPTIONS",
      description = "JVM options for the daemon, e.g. \"-Xmx256m\" (as JAVA_TOOL_OPTIONS).")
  String javaOptions;

  @Option(
      names = "--run-as",
      paramLabel = "USER",
      description = "The account a system unit runs as (default: $SUDO_USER, else you; not root).")
  String runAs;

  @Option(names = "--print", description = "Print the unit instead of writing it.")
  boolean print;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path resolvedHome = home.resolve();
    Path command = launcher();
    if (Files.exists(command.getParent().resolveSibling("pom.xml"))) {
      err.println(
          "coordd: note: "
              + command
              + " is the development launcher of a checkout; it rebuilds when the sources change."
              + " A service is better served by the installed distribution (README, Install).");
    }
    Path workDir = resolvedHome.getParent();
    if (workDir == null || !Files.isDirectory(workDir)) {
      throw new IllegalArgumentException(
          "the home's folder " + workDir + " does not exist; create it (mkdir -p) and run again");
    }
    SystemdUnit unit =
        new SystemdUnit(command, resolvedHome, workDir, javaOptions, place.user ? null : account());
    String text = unit.render();
    if (print) {
      out.print(text);
      out.flush();
      return 0;
    }
    Path file = place.file();
    String state = write(file, text);
    String name = place.fileName();
    out.println(state + " " + file + " (daemon on " + resolvedHome + ").");
    out.println(
        "Start it now and whenever " + (place.user ? "you log in" : "the machine boots") + ":");
    out.println("  " + place.systemctl() + " daemon-reload");
    out.println("  " + place.systemctl() + " enable --now " + name);
    if (place.user) {
      out.println(
          "Keep it running when you are logged out (and start it at boot): loginctl"
              + " enable-linger "
              + System.getProperty("user.name"));
    }
    out.println(
        "Check it: "
            + place.systemctl()
            + " status "
            + name
            + "; logs: journalctl "
            + (place.user ? "--user " : "")
            + "-u "
            + name
            + " and "
            + resolvedHome.resolve("logs"));
    out.flush();
    return 0;
  }

  private Path launcher() {
    Path chosen = launcher;
    if (chosen == null) {
      String env = System.getenv("COORDD_LAUNCHER");
      if (env == null || env.isBlank()) {
        throw new IllegalArgumentException(
            "cannot tell where the coordd command is; pass --launcher /path/to/bin/coordd");
      }
      chosen = Path.of(env);
    }
    Path absolute = chosen.toAbsolutePath().normalize();
    if (!Files.isRegularFile(absolute) || !Files.isExecutable(absolute)) {
      throw new IllegalArgumentException(
          "--launcher " + absolute + " is not an executable file; pass the path of bin/coordd");
    }
    return absolute;
  }

  /** The account of a system unit: never root unless asked for by name. */
  private String account() {
    if (runAs != null) {
      return runAs.strip();
    }
    String sudoUser = System.getenv("SUDO_USER");
    String who =
        sudoUser != null && !sudoUser.isBlank() ? sudoUser : System.getProperty("user.name");
    if ("root".equals(who)) {
      throw new IllegalArgumentException(
          "a system unit would run the daemon as root, and every handler and agent with it;"
              + " pass --run-as USER (the account whose agents use it), --run-as root to insist,"
              + " or --user for a unit of your own");
    }
    return who;
  }

  /** Writes atomically; refuses to replace a unit coordd did not write. */
  private String write(Path file, String text) throws IOException {
    String state = "Wrote";
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8);
      if (existing.equals(text)) {
        return "Unchanged:";
      }
      if (!existing.startsWith(SystemdUnit.MARKER)) {
        throw new IllegalArgumentException(
            file
                + " exists and was not written by coordd; choose another --unit NAME or move it"
                + " away");
      }
      state = "Updated";
    }
    try {
      Files.createDirectories(file.getParent());
      AtomicFiles.replace(
          file,
          text.getBytes(StandardCharsets.UTF_8),
          PosixFilePermissions.fromString(place.user ? "rw-------" : "rw-r--r--"));
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          "cannot write "
              + file
              + ": permission denied; run it with sudo, or install a unit of your own with --user");
    }
    return state;
  }
}
