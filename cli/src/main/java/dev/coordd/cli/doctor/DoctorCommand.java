package dev.coordd.cli.doctor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coordd doctor}: checks a home and says how to fix each problem. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check a home: its permissions, the daemon (socket, pid file), the store (integrity, size,"
          + " schema version), the configuration, the programs it runs, free disk space, the"
          + " clock and the logs. Each finding is OK, WARN or FAIL; each problem comes with its"
          + " fix.",
      "Reads only: works with no daemon running and never changes the home (the store is opened"
          + " read-only).",
      "Exit code 0 when nothing FAILs (warnings included), 1 when something FAILs, 2 on bad"
          + " usage."
    })
public final class DoctorCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Option(
      names = "--full",
      description =
          "Run SQLite's full integrity_check (reads every index; slow on a big store) instead of"
              + " quick_check.")
  boolean full;

  @Override
  public Integer call() {
    List<Finding> findings = Doctor.examine(Checkup.of(common.home()), full);
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      Output.json(out, json(findings));
    } else {
      text(out, findings);
    }
    out.flush();
    return Doctor.worst(findings) == Level.FAIL ? Cli.EXIT_FAILED : Cli.EXIT_OK;
  }

  private void text(PrintWriter out, List<Finding> findings) {
    for (Finding f : findings) {
      out.printf("%-5s %-9s %s%n", f.level(), f.area(), oneLine(f.message()));
      if (f.fix() != null) {
        out.printf("%-15s fix: %s%n", "", oneLine(f.fix()));
      }
    }
    long fails = findings.stream().filter(f -> f.level() == Level.FAIL).count();
    long warns = findings.stream().filter(f -> f.level() == Level.WARN).count();
    out.println(
        fails + warns == 0
            ? "all is well: " + common.home()
            : String.format(
                Locale.ROOT,
                "%d problem%s (%d FAIL, %d WARN): %s",
                fails + warns,
                fails + warns == 1 ? "" : "s",
                fails,
                warns,
                common.home()));
  }

  /** A finding is one line, whatever a driver's message holds. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s*\\R\\s*", " ");
  }

  private ObjectNode json(List<Finding> findings) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("home", common.home().toString());
    root.put("worst", Doctor.worst(findings).name());
    ArrayNode list = root.putArray("findings");
    for (Finding f : findings) {
      ObjectNode o = list.addObject();
      o.put("level", f.level().name());
      o.put("area", f.area());
      o.put("message", f.message());
      if (f.fix() != null) {
        o.put("fix", f.fix());
      }
    }
    return root;
  }
}
