package dev.coordd.cli.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A systemd unit that runs one coordd home. A user unit gets only the directives a user manager can
 * apply without privileges; a system unit also runs as a named user and gets the sandboxing
 * directives. The file system stays writable outside /usr, /boot and /etc ({@code
 * ProtectSystem=full}, not {@code strict}) because handlers and agents edit the user's projects.
 *
 * @param launcher the absolute path of the {@code coordd} command
 * @param home the absolute home folder
 * @param workingDirectory where handlers start: the folder that holds the home
 * @param javaOptions JVM options for {@code JAVA_TOOL_OPTIONS}, or null
 * @param runAs the account of a system unit; null for a user unit
 */
record SystemdUnit(
    Path launcher, Path home, Path workingDirectory, String javaOptions, String runAs) {

  /** The first line of every unit coordd writes; uninstall removes only files that carry it. */
  static final String MARKER = "# Written by `coordd service install`";

  boolean userUnit() {
    return runAs == null;
  }

  String render() {
    List<String> lines = new ArrayList<>();
    lines.add(MARKER + "; `coordd service uninstall` removes it.");
    lines.add("[Unit]");
    lines.add("Description=coordd coordination daemon for " + Quote.text(home.toString()));
    lines.add("After=network.target");
    lines.add("");
    lines.add("[Service]");
    lines.add("Type=simple");
    lines.add(
        "ExecStart="
            + Quote.execWord(launcher.toString())
            + " daemon --home "
            + Quote.execWord(home.toString())
            + " --no-console");
    // systemd takes the rest of the line as the path: no quotes here.
    lines.add("WorkingDirectory=" + Quote.text(workingDirectory.toString()));
    if (javaOptions != null && !javaOptions.isBlank()) {
      lines.add("Environment=" + Quote.word("JAVA_TOOL_OPTIONS=" + javaOptions.strip()));
    }
    lines.add("Restart=on-failure");
    lines.add("RestartSec=2s");
    // SIGTERM lets the daemon finish its batch and hand running tasks back; it kills its own
    // handler process trees, so systemd only sweeps what is left after the timeout.
    lines.add("KillMode=mixed");
    lines.add("TimeoutStopSec=30s");
    lines.add("UMask=0077");
    lines.add("NoNewPrivileges=yes");
    if (!userUnit()) {
      lines.add("User=" + Quote.word(runAs));
      lines.add("PrivateTmp=yes");
      lines.add("ProtectSystem=full");
      lines.add("ProtectKernelTunables=yes");
      lines.add("ProtectKernelModules=yes");
      lines.add("ProtectControlGroups=yes");
      lines.add("RestrictSUIDSGID=yes");
      lines.add("RestrictRealtime=yes");
      lines.add("LockPersonality=yes");
    }
    lines.add("");
    lines.add("[Install]");
    lines.add("WantedBy=" + (userUnit() ? "default.target" : "multi-user.target"));
    return String.join("\n", lines) + "\n";
  }
}
