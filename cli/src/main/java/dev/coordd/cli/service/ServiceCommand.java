package dev.coordd.cli.service;

import picocli.CommandLine.Command;

/** {@code coordd service install|uninstall}: the daemon as a systemd service. */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = "Run the daemon as a systemd service (restarted on failure, started at boot).",
    subcommands = {ServiceInstall.class, ServiceUninstall.class})
public final class ServiceCommand {
  private ServiceCommand() {}
}
