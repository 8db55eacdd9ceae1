package dev.coordd.cli.service;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Removes a unit coordd wrote, and the link that enabled it. */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description = "Remove the unit written by `coordd service install` (stop it first).")
final class ServiceUninstall implements Callable<Integer> {
  @Mixin UnitPlace place;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path file = place.file();
    String name = place.fileName();
    if (!Files.exists(file)) {
      out.println("No unit " + file + ": nothing to remove.");
      out.flush();
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (!text.startsWith(SystemdUnit.MARKER)) {
      throw new IllegalArgumentException(file + " was not written by coordd; it is left as it is");
    }
    boolean user = text.contains("WantedBy=default.target");
    Path wants = place.folder().resolve(user ? "default.target.wants" : "multi-user.target.wants");
    Path link = wants.resolve(name);
    // What `systemctl disable` removes; without the unit file it could no longer tell where.
    if (Files.isSymbolicLink(link)) {
      Files.delete(link);
    }
    Files.delete(file);
    out.println("Removed " + file + ".");
    out.println(
        "If it is still running: "
            + place.systemctl()
            + " stop "
            + name
            + "; then "
            + place.systemctl()
            + " daemon-reload");
    out.flush();
    return 0;
  }
}
