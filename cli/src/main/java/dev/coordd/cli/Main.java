package dev.coordd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code coordd} command. Exit codes: 0 ok, 1 failed, 2 usage error, 3 no daemon. */
@Command(
    name = "coordd",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Coordination daemon for AI coding agents and worker processes.",
    subcommands = {DaemonCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setExitCodeExceptionMapper(e -> EXIT_FAILED);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"coordd " + (v == null ? "development build" : v)};
    }
  }
}
