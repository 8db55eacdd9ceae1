package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.cli.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A place to run an agent CLI as a user would, with nothing of the machine's own: a git repository
 * to work in, an empty {@code $HOME}, a coordd home, and a {@code coordd} command first on the PATH
 * (a shim to this checkout's {@code bin/coordd}, so hooks and MCP entries written either as an
 * absolute path or as plain {@code coordd} both run it).
 */
public final class Sandbox {
  public final Path repo;
  public final Path userHome;
  public final Path coorddHome;
  private final Path shims;

  public Sandbox(Path root) throws Exception {
    repo = Files.createDirectories(root.resolve("repo"));
    userHome = Files.createDirectories(root.resolve("user-home"));
    coorddHome = root.resolve("coordd-home");
    shims = Files.createDirectories(root.resolve("shims"));
    Path shim = shims.resolve("coordd");
    Files.writeString(shim, "#!/bin/sh\nexec '" + Launcher.BIN + "' \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwx------"));
    Process git =
        new ProcessBuilder("git", "init", "-q", repo.toString()).redirectErrorStream(true).start();
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(git.exitValue()).as(new String(git.getInputStream().readAllBytes())).isZero();
  }

  /**
   * The environment of an agent CLI: only what it needs, so no key or setting of the machine leaks
   * in, and the fake as its model API, with every update check, telemetry and error report off.
   */
  public Map<String, String> env(FakeModelServer model) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", userHome.toString());
    env.put("PATH", shims + ":" + pathOf("node") + ":/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("TERM", "dumb");
    env.put("CI", "true"); // no interactive prompts, no spinners
    String javaHome = System.getenv("JAVA_HOME");
    env.put("JAVA_HOME", javaHome != null ? javaHome : System.getProperty("java.home"));
    String m2 = System.getProperty("maven.repo.local");
    if (m2 != null) {
      env.put("MAVEN_OPTS", "-Dmaven.repo.local=" + m2);
    }
    // Claude Code
    env.put("ANTHROPIC_BASE_URL", model.baseUrl());
    env.put("ANTHROPIC_API_KEY", "sk-ant-fake-key-for-tests");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_ERROR_REPORTING", "1");
    env.put("DISABLE_BUG_COMMAND", "1");
    env.put("CLAUDE_CODE_MAX_RETRIES", "0");
    env.put("API_TIMEOUT_MS", "60000");
    env.put("MCP_TIMEOUT", "60000"); // coordd mcp starts a JVM: slow on a loaded machine
    // Gemini CLI (its update checks and usage statistics are off in the user settings too)
    env.put("GEMINI_API_KEY", "fake-gemini-key-for-tests");
    env.put("GOOGLE_GEMINI_BASE_URL", model.baseUrl());
    env.put("GEMINI_CLI_TRUST_WORKSPACE", "true"); // headless: no trust prompt for the repo
    env.put("GEMINI_TELEMETRY_ENABLED", "false");
    return env;
  }

  /** The folder of an executable on this JVM's PATH (node, for the CLIs' launchers). */
  private static String pathOf(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return dir;
      }
    }
    return "/usr/bin";
  }

  /** A process in the repository with exactly {@link #env}. */
  public ProcessBuilder process(FakeModelServer model, java.util.List<String> argv) {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(repo.toFile());
    pb.environment().clear();
    pb.environment().putAll(env(model));
    return pb;
  }

  /**
   * {@code coordd ARGS --home <coordd home>} in the sandbox's environment, as the user would run
   * it: {@code init codex} writes to {@code $HOME/.codex}, which must be the sandbox's, not ours.
   */
  public TimedRun coordd(FakeModelServer model, Path logs, String... args) throws Exception {
    return TimedRun.run(
        process(model, Launcher.command(coorddHome, args)),
        logs,
        "coordd-" + args[0],
        java.time.Duration.ofMinutes(2));
  }

  /** Writes a file in the user's home (CLI settings), creating its folders. */
  public Path writeHomeFile(String relative, String content) throws IOException {
    Path file = userHome.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }
}
