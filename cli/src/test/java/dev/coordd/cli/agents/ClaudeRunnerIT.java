package dev.coordd.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.Launcher;
import dev.coordd.client.CoorddClient;
import dev.coordd.client.SocketPaths;
import dev.coordd.internal.Json;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's {@code invoke_agent} runner with the README's Claude Code runner, as written,
 * running the published {@code claude -p} against the fake model: the daemon is a real process
 * whose environment points Claude Code at the fake, and {@code claude} is found on its PATH.
 */
@Tag("agents")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one daemon for the three runs: each costs seconds
class ClaudeRunnerIT {
  /** The README's runner ("AI agents in the loop"), word for word but shorter timeouts. */
  static final List<String> README_COMMAND =
      List.of(
          "claude", "-p", "{command}", "--output-format", "json", "--allowedTools", "mcp__coordd");

  @TempDir static Path dir;
  final Launcher launcher = new Launcher();
  FakeModelServer model;
  Sandbox box;
  CoorddClient client;

  /** A folder with no coordd set-up: the runs that fail before any tool need no MCP server. */
  Path plain;

  @BeforeEach
  void freshModel() {
    AgentClis.require("claude"); // each test fails (CI) or is skipped when it cannot be had
    model.failWith(0).script(e -> Turn.say("nothing scripted"));
  }

  @BeforeAll
  void start() throws Exception {
    if (!AgentClis.available("claude")) {
      return; // said by each test
    }
    Path claude = AgentClis.require("claude");
    box = new Sandbox(dir);
    plain = Files.createDirectories(dir.resolve("plain"));
    model = FakeModelServer.start();
    TimedRun init =
        box.coordd(model, dir.resolve("logs"), "init", "claude", "--dir", box.repo.toString());
    assertThat(init.exit()).as(init.describe()).isZero();
    ObjectNode runner = Json.MAPPER.createObjectNode();
    README_COMMAND.forEach(runner.putArray("command")::add);
    runner.put("output", "claude").put("timeout", "2m").put("idleTimeout", "1m");
    ObjectNode config = Json.MAPPER.createObjectNode();
    config.putObject("agentRunners").set("claude_code", runner);
    Files.createDirectories(box.coorddHome);
    Files.setPosixFilePermissions(box.coorddHome, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(box.coorddHome.resolve("config.json"), Json.write(config));

    ProcessBuilder daemon = box.process(model, Launcher.command(box.coorddHome, "daemon"));
    daemon.environment().put("PATH", claude.getParent() + ":" + daemon.environment().get("PATH"));
    daemon
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(dir.resolve("daemon.out").toFile())
        .redirectError(dir.resolve("daemon.err").toFile());
    Process p = launcher.start(daemon);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client == null) {
      assertThat(p.isAlive()).as("daemon died: %s", daemonLog()).isTrue();
      assertThat(System.nanoTime()).as("daemon up: %s", daemonLog()).isLessThan(until);
      if (Files.exists(SocketPaths.forHome(box.coorddHome))) {
        try {
          client = CoorddClient.connect(box.coorddHome);
          client.listAgents();
        } catch (RuntimeException notYet) {
          client = null;
          Thread.sleep(100);
        }
      } else {
        Thread.sleep(100);
      }
    }
  }

  String daemonLog() throws Exception {
    Path err = dir.resolve("daemon.err");
    return Files.exists(err) ? Files.readString(err) : "";
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    launcher.close();
    if (model != null) {
      model.close();
    }
  }

  Task invoke(String prompt, Path cwd) {
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.put("agentType", "claude_code").put("command", prompt);
    data.putObject("context").put("cwd", cwd.toString());
    Task t = client.createTask(NewTask.of("invoke_agent").withData(data).withMaxAttempts(1));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    Task done = client.awaitTask(t.id(), 10_000);
    while (!done.status().isTerminal() && System.nanoTime() < until) {
      done = client.awaitTask(t.id(), 10_000);
    }
    assertThat(done.status().isTerminal()).as("%s", done).isTrue();
    return done;
  }

  @Test
  void the_readme_runner_runs_claude_which_claims_and_completes_through_coordd() throws Exception {
    Task review =
        client.createTask(
            NewTask.of("review")
                .withDescription("check the README")
                .withAssignedTo("runner-claude"));
    model.script(
        new ClaimAndComplete("mcp__coordd__", "runner-claude", List.of("review"), "README ok"));

    Task invoked = invoke("Claim the review task and complete it.", box.repo);

    assertThat(invoked.status())
        .as("%s\n%s\n%s", invoked.error(), daemonLog(), model.allBodies())
        .isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(invoked.result().path("agentType").asText()).isEqualTo("claude_code");
    assertThat(invoked.result().path("text").asText()).isEqualTo("Done: README ok");
    assertThat(invoked.result().path("sessionId").asText()).isNotBlank();
    Task done = client.getTask(review.id());
    assertThat(done.status()).as("%s", done).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.runs().getLast().worker()).isEqualTo("runner-claude");
    assertThat(done.result().path("summary").asText()).isEqualTo("README ok");
  }

  @Test
  void an_authentication_error_fails_the_task_as_the_agents_error_naming_its_session()
      throws Exception {
    model.failWith(401);

    Task invoked = invoke("Do anything.", plain);

    assertThat(invoked.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(invoked.error().kind()).as("%s", invoked.error()).isEqualTo("agent_error");
    assertThat(invoked.error().message()).containsPattern("in session [0-9a-f-]{36}");
  }

  @Test
  void a_denied_tool_call_fails_the_task_instead_of_passing_as_done() throws Exception {
    // --allowedTools mcp__coordd allows coordd's tools, not the shell: headless, this is refused.
    ObjectNode args = Json.MAPPER.createObjectNode().put("command", "touch denied-marker");
    args.put("description", "create a marker file");
    model.script(
        e -> e.turn() == 0 ? Turn.call("Bash", args) : Turn.say("I could not run the command."));

    Task invoked = invoke("Create the marker file.", plain);

    assertThat(invoked.status()).as("%s", invoked).isEqualTo(TaskStatus.FAILED);
    assertThat(invoked.error().kind()).isEqualTo("agent_error");
    assertThat(invoked.error().message()).contains("was denied", "Bash", "in session");
    assertThat(plain.resolve("denied-marker")).doesNotExist();
  }
}
