package dev.coordd.cli.agents;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs an agent CLI to its end within a time limit; past it, the whole process tree is killed and
 * the run says so. stdout and stderr go to files (a CLI that floods them cannot block), read back.
 *
 * @param exit the exit code, or -1 when it was killed at the limit
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
public record TimedRun(int exit, String out, String err) {
  public static TimedRun run(ProcessBuilder pb, Path logs, String name, Duration limit)
      throws IOException, InterruptedException {
    Files.createDirectories(logs);
    File out = logs.resolve(name + ".out").toFile();
    File err = logs.resolve(name + ".err").toFile();
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return new TimedRun(
        done ? p.exitValue() : -1, Files.readString(out.toPath()), Files.readString(err.toPath()));
  }

  /** For assertion messages: everything the run printed. */
  public String describe() {
    return "exit " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
  }
}
