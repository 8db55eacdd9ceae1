package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the pinned agent CLIs, installing them with {@code bin/lib/agent-clis.sh} (npm, into a
 * cache folder) when missing. When they cannot be had (no npm, no registry), a test FAILS under
 * {@code CI=true}, where they must be there, and is skipped loudly anywhere else.
 */
public final class AgentClis {
  static final Path SCRIPT =
      Path.of("..", "bin", "lib", "agent-clis.sh").toAbsolutePath().normalize();

  /** What each CLI came to in this JVM: its executable, or why there is none (tried once). */
  private static final Map<String, Object> FOUND = new HashMap<>();

  private AgentClis() {}

  /** True when {@code name} is installed or could be installed now. */
  public static synchronized boolean available(String name) {
    return FOUND.computeIfAbsent(name, AgentClis::find) instanceof Path;
  }

  /**
   * The executable of {@code name} (claude, codex or gemini); when it cannot be had, fails the test
   * under {@code CI=true} and aborts it (skipped, said on stderr) elsewhere.
   */
  public static synchronized Path require(String name) {
    Object found = FOUND.computeIfAbsent(name, AgentClis::find);
    if (found instanceof Path bin) {
      return bin;
    }
    String message =
        "the "
            + name
            + " CLI is not available, so the tests that drive it cannot run: "
            + found
            + " (install it with: bin/lib/agent-clis.sh)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    System.err.println("SKIPPED: " + message);
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** The executable's path, or the problem as a string. */
  private static Object find(String name) {
    String problem;
    try {
      Process p =
          new ProcessBuilder(SCRIPT.toString(), "path", name).redirectErrorStream(false).start();
      p.getOutputStream().close();
      // npm writes a lot only on failure; the script keeps it in a log and prints its tail.
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        problem = SCRIPT + " path " + name + " did not finish within 5 minutes";
      } else if (p.exitValue() == 0) {
        Path bin = Path.of(new String(out, StandardCharsets.UTF_8).strip());
        if (Files.isExecutable(bin)) {
          return bin;
        }
        problem = SCRIPT + " printed " + bin + ", which is not an executable";
      } else {
        problem = new String(err, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      problem = "cannot run " + SCRIPT + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + name, e);
    }
    return problem;
  }
}
