package dev.coordd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the coordd command in-process with captured output, picocli's documented way. */
public final class CliRun {
  private CliRun() {}

  /** Exit code and what the command printed. */
  public record Result(int exit, String out, String err) {
    public JsonNode json() {
      return Json.read(out);
    }

    public List<String> lines() {
      return out.lines().toList();
    }
  }

  /**
   * {@code coordd ARGS --home HOME}; no home is added when the arguments ask for help or name one.
   */
  public static Result inHome(Path home, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--home")
        && !all.contains("--help")
        && !all.contains("generate-completion")) {
      all.add("--home");
      all.add(home.toString());
    }
    return exactly(all.toArray(String[]::new));
  }

  /** {@code coordd ARGS} exactly as given. */
  public static Result exactly(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
