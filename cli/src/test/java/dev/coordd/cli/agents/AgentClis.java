package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private AgentClis() {}

  /** The executable of {@code name} (claude, codex or gemini). */
  public static Path require(String name) {
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
    String message =
        "the "
            + name
            + " CLI is not available, so the tests that drive it cannot run: "
            + problem
            + " (install it with: bin/lib/agent-clis.sh)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    System.err.println("SKIPPED: " + message);
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }
}
