package dev.coordd.cli.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.Invocation;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.Common;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd hook …}: entry points that agent CLIs run themselves. A hook must never break the
 * session that runs it, so every failure here still ends in valid hook output and exit 0.
 */
@Command(
    name = "hook",
    mixinStandardHelpOptions = true,
    description = "Entry points for agent hooks (run by Claude Code, not by people).",
    subcommands = {HookCommand.SessionStart.class})
public final class HookCommand {

  /**
   * The hook output for a session-start hook whose own command line is wrong: still valid JSON on
   * stdout (and exit 0, chosen by the caller), so a misconfigured hook never breaks the session.
   */
  public static String usageFailure(String message) {
    return Json.write(
        SessionStart.output(
            "coordd could not run its session-start hook: "
                + message
                + " (check the hook command in the agent's settings)."));
  }

  /** True for the session-start hook's command line. */
  public static boolean isSessionStart(picocli.CommandLine commandLine) {
    return commandLine.getCommandSpec().userObject() instanceof SessionStart;
  }

  /**
   * Claude Code's {@code SessionStart} hook. Input on stdin: {@code {"session_id",
   * "transcript_path", "cwd", "hook_event_name": "SessionStart", "source":
   * "startup|resume|clear|compact"}}. Output on stdout: {@code {"hookSpecificOutput":
   * {"hookEventName": "SessionStart", "additionalContext": "…"}}}, which Claude Code adds to the
   * session's context.
   */
  @Command(
      name = "session-start",
      mixinStandardHelpOptions = true,
      description = {
        "Claude Code SessionStart hook: registers this session as an agent and prints, as hook"
            + " JSON on stdout, the pending invocations and the tasks assigned to it.",
        "Reads the hook input JSON on stdin; the output is always JSON (--json changes"
            + " nothing). Always exits 0.",
        "Home: --home, else $COORDD_HOME, else <cwd of the hook input>/.coordd, else ./.coordd."
      })
  static final class SessionStart implements Callable<Integer> {
    /** Items listed at most, all kinds together. */
    static final int MAX_ITEMS = 10;

    /** Characters of a command or description shown per item. */
    static final int MAX_TEXT = 100;

    @Spec CommandSpec spec;

    /** {@code --home} as every command takes it; the default also looks at the input's cwd. */
    @Mixin Common common;

    @Option(
        names = "--agent",
        paramLabel = "NAME",
        description =
            "Agent name (default: $COORDD_AGENT, else claude-<first 8 characters of"
                + " the session id>).")
    String agent;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        defaultValue = "claude_code",
        description = "Agent kind to register (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(
        names = "--capability",
        paramLabel = "TYPE",
        description =
            "A task type this agent can claim; repeatable (default: keep what the agent"
                + " registered before).")
    List<String> capabilities = new ArrayList<>();

    @Option(
        names = "--input",
        paramLabel = "FILE",
        defaultValue = "-",
        description = "Read the hook input from FILE instead of stdin (-).")
    String input;

    @Option(
        names = "--timeout",
        paramLabel = "DUR",
        defaultValue = "10s",
        description = "Give up on the daemon after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      String context;
      try {
        context = run();
      } catch (RuntimeException | Error e) {
        context =
            "coordd: the session-start hook failed ("
                + describe(e)
                + "); run `coordd check`"
                + " to see pending work.";
        err().println("coordd: session-start hook failed: " + describe(e));
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(Json.write(output(context)));
      out.flush();
      err().flush();
      return 0;
    }

    static ObjectNode output(String context) {
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.putObject("hookSpecificOutput")
          .put("hookEventName", "SessionStart")
          .put("additionalContext", context);
      return root;
    }

    private PrintWriter err() {
      return spec.commandLine().getErr();
    }

    private String run() {
      HookInput in;
      try {
        in = HookInput.parse(readInput());
      } catch (IllegalArgumentException e) {
        err().println("coordd: " + e.getMessage());
        return "coordd could not read the hook input ("
            + e.getMessage()
            + "), so it did not"
            + " register this session. Run `coordd check` to see pending work.";
      }
      Path resolvedHome = resolveHome(in);
      String name = agentName(in);
      Report report = gather(resolvedHome, name, in);
      return report.render(name, commandHome(resolvedHome, in));
    }

    private String readInput() {
      try {
        if (!input.equals("-")) {
          return Files.readString(Path.of(input), StandardCharsets.UTF_8);
        }
        if (dev.coordd.cli.Terminals.stdinIsTerminal()) {
          return ""; // someone typed the command: do not wait for input that never comes
        }
        InputStream stdin = System.in;
        // Bounded: a caller that never closes stdin must not hang the session's start.
        java.util.concurrent.FutureTask<byte[]> read =
            new java.util.concurrent.FutureTask<>(stdin::readAllBytes);
        Thread.ofPlatform().daemon(true).name("coordd-hook-stdin").start(read);
        return new String(
            read.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalArgumentException(
            "the hook input did not end within " + timeout.toMillis() + "ms (stdin was left open)",
            e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalArgumentException(
            "cannot read the hook input: " + e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalArgumentException("interrupted while reading the hook input", e);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the hook input: " + e.getMessage(), e);
      }
    }

    Path resolveHome(HookInput in) {
      if (common != null && common.home != null) {
        return common.home.toAbsolutePath().normalize();
      }
      String env = System.getenv("COORDD_HOME");
      if (env != null && !env.isBlank()) {
        return Path.of(env).toAbsolutePath().normalize();
      }
      if (in.cwd() != null) {
        return Path.of(in.cwd()).resolve(DaemonConfig.DEFAULT_HOME).toAbsolutePath().normalize();
      }
      return Path.of(DaemonConfig.DEFAULT_HOME).toAbsolutePath().normalize();
    }

    /** The {@code --home} to put in suggested commands: none when the default finds it. */
    private static String commandHome(Path home, HookInput in) {
      Path base = in.cwd() != null ? Path.of(in.cwd()) : Path.of("");
      Path implied = base.resolve(DaemonConfig.DEFAULT_HOME).toAbsolutePath().normalize();
      String env = System.getenv("COORDD_HOME");
      boolean envMatches =
          env != null && !env.isBlank() && Path.of(env).toAbsolutePath().normalize().equals(home);
      return implied.equals(home) || envMatches
          ? ""
          : " --home " + dev.coordd.cli.Shell.quote(home.toString());
    }

    String agentName(HookInput in) {
      if (agent != null && !agent.isBlank()) {
        return agent.strip();
      }
      String env = System.getenv("COORDD_AGENT");
      if (env != null && !env.isBlank()) {
        return env.strip();
      }
      return defaultName(in.sessionId());
    }

    /** {@code claude-<first 8 name characters of the session id>}, or {@code claude}. */
    static String defaultName(String sessionId) {
      if (sessionId == null) {
        return "claude";
      }
      StringBuilder sb = new StringBuilder();
      for (char c : sessionId.toCharArray()) {
        if (sb.length() == 8) {
          break;
        }
        if ((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-'
            || c == '_'
            || c == '.') {
          sb.append(c);
        }
      }
      return sb.isEmpty() ? "claude" : "claude-" + sb;
    }

    /** Everything the context needs, from the daemon when one answers, else from the files. */
    private Report gather(Path home, String name, HookInput in) {
      CompletableFuture<Report> fromDaemon =
          CompletableFuture.supplyAsync(
              () -> fromDaemon(home, name, in), command -> Thread.ofVirtual().start(command));
      try {
        return fromDaemon.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        fromDaemon.cancel(true);
        err().println("coordd: the daemon did not answer within " + timeout.toMillis() + "ms");
        Report r =
            Report.offline(
                "the coordd daemon on "
                    + home
                    + " did not answer within "
                    + timeout.toSeconds()
                    + "s; this session was not registered");
        r.invocations.addAll(pendingFiles(home, err()));
        return r;
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private Report fromDaemon(Path home, String name, HookInput in) {
      Report report = new Report();
      try (CoorddClient client = CoorddClient.connect(home)) {
        register(client, name, in);
        report.registered = true;
        try {
          report.invocations.addAll(client.listInvocations());
        } catch (CoorddException e) {
          // an older daemon, or one whose invocation queue is unreadable: the files still are
          err()
              .println(
                  "coordd: listInvocations failed ("
                      + e.getMessage()
                      + "); reading the invocation files instead");
          report.invocations.addAll(pendingFiles(home, err()));
        }
        report.running.addAll(
            client.listTasks(new TaskQuery(TaskStatus.RUNNING, null, name, MAX_ITEMS)));
        report.queued.addAll(
            client.listTasks(new TaskQuery(TaskStatus.QUEUED, null, name, MAX_ITEMS)));
        return report;
      } catch (DaemonNotRunningException e) {
        err().println("coordd: " + e.getMessage());
        Report r =
            Report.offline(
                "no coordd daemon is running on "
                    + home
                    + ", so this session was not registered (start one: coordd daemon --home "
                    + dev.coordd.cli.Shell.quote(home.toString())
                    + ")");
        r.invocations.addAll(pendingFiles(home, err()));
        return r;
      }
    }

    /** Registers or refreshes the agent; a refresh keeps capabilities and unrelated metadata. */
    private void register(CoorddClient client, String name, HookInput in) {
      Agent existing = null;
      for (Agent a : client.listAgents()) {
        if (a.name().equals(name)) {
          existing = a;
        }
      }
      List<String> caps =
          !capabilities.isEmpty()
              ? capabilities
              : existing != null && existing.capabilities() != null
                  ? existing.capabilities()
                  : List.of();
      ObjectNode metadata =
          existing != null && existing.metadata() instanceof ObjectNode m
              ? m.deepCopy()
              : Json.MAPPER.createObjectNode();
      putOrRemove(metadata, "sessionId", in.sessionId());
      putOrRemove(metadata, "cwd", in.cwd());
      putOrRemove(metadata, "source", in.source());
      client.registerAgent(new AgentRegistration(name, kind, caps, metadata));
    }

    private static void putOrRemove(ObjectNode node, String field, String value) {
      if (value == null) {
        node.remove(field);
      } else {
        node.put(field, value);
      }
    }

    /** Pending invocation files, oldest first; unreadable or expired ones are skipped. */
    static List<Invocation> pendingFiles(Path home, PrintWriter err) {
      Path dir = home.resolve("invocations").resolve("pending");
      List<Invocation> found = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        return found;
      }
      long now = System.currentTimeMillis();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
        for (Path file : files) {
          String fileName = file.getFileName().toString();
          if (fileName.startsWith(".") || !Files.isRegularFile(file)) {
            continue; // a temp file being written, or something that is not ours
          }
          try {
            Invocation inv = Json.MAPPER.readValue(file.toFile(), Invocation.class);
            if (inv.expiresAt() != null && inv.expiresAt() < now) {
              continue;
            }
            if (inv.id() == null) {
              String stem = fileName.substring(0, fileName.length() - ".json".length());
              inv =
                  new Invocation(
                      stem,
                      inv.taskId(),
                      inv.agentType(),
                      inv.command(),
                      inv.context(),
                      inv.status(),
                      inv.createdAt(),
                      inv.expiresAt(),
                      inv.takenBy(),
                      inv.takenAt(),
                      inv.finishedAt(),
                      inv.result(),
                      inv.error());
            }
            found.add(inv);
          } catch (IOException | RuntimeException e) {
            err.println(
                "coordd: skipping unreadable invocation file " + file + ": " + e.getMessage());
          }
        }
      } catch (IOException e) {
        err.println("coordd: cannot list " + dir + ": " + e.getMessage());
      }
      found.sort(Comparator.comparingLong(Invocation::createdAt).thenComparing(Invocation::id));
      return found;
    }

    private static String describe(Throwable e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  /** The fields of the hook input coordd uses; all optional. */
  record HookInput(String sessionId, String transcriptPath, String cwd, String source) {
    static HookInput parse(String text) {
      if (text == null || text.isBlank()) {
        return new HookInput(null, null, null, null);
      }
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "the hook input is not valid JSON: " + firstLine(e.getMessage()), e);
      }
      if (node == null || node.isNull() || node.isMissingNode()) {
        return new HookInput(null, null, null, null);
      }
      if (!node.isObject()) {
        throw new IllegalArgumentException("the hook input is not a JSON object");
      }
      return new HookInput(
          text(node, "session_id"),
          text(node, "transcript_path"),
          text(node, "cwd"),
          text(node, "source"));
    }

    private static String text(JsonNode node, String field) {
      JsonNode v = node.get(field);
      return v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()
          ? null
          : v.asText();
    }

    private static String firstLine(String s) {
      if (s == null) {
        return "unreadable";
      }
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }
  }

  /** What the session should know, and how it reads as context. */
  static final class Report {
    final List<Invocation> invocations = new ArrayList<>();
    final List<Task> running = new ArrayList<>();
    final List<Task> queued = new ArrayList<>();
    boolean registered;
    String offline;

    static Report offline(String why) {
      Report r = new Report();
      r.offline = why;
      return r;
    }

    String render(String agent, String homeArg) {
      StringBuilder sb = new StringBuilder();
      if (offline != null) {
        sb.append("coordd: ").append(offline).append(".\n");
      }
      int total = invocations.size() + running.size() + queued.size();
      if (total == 0) {
        sb.append("coordd: nothing pending for ").append(agent).append('.');
        return sb.toString();
      }
      sb.append("coordd: you are agent ").append(agent).append(". Waiting for you:\n");
      int budget = SessionStart.MAX_ITEMS;
      int shown = 0;
      if (!running.isEmpty() && budget > 0) {
        sb.append("Tasks you are running (finish each: coordd task complete ID --agent ")
            .append(agent)
            .append(homeArg)
            .append(" --result JSON, or coordd task fail ID --agent ")
            .append(agent)
            .append(homeArg)
            .append(" --error TEXT):\n");
        for (Task t : running.subList(0, Math.min(budget, running.size()))) {
          sb.append(taskLine(t));
          shown++;
          budget--;
        }
      }
      if (!invocations.isEmpty() && budget > 0) {
        sb.append("Pending invocations (take one: coordd check process ID --agent ")
            .append(agent)
            .append(homeArg)
            .append(", then coordd check complete ID --result JSON")
            .append(homeArg)
            .append("):\n");
        for (Invocation i : invocations.subList(0, Math.min(budget, invocations.size()))) {
          sb.append("- ")
              .append(i.id())
              .append(" [")
              .append(orDash(i.agentType()))
              .append("] ")
              .append(excerpt(i.command()))
              .append('\n');
          shown++;
          budget--;
        }
      }
      if (!queued.isEmpty() && budget > 0) {
        sb.append("Tasks queued for you (take them: coordd task claim --agent ")
            .append(agent)
            .append(homeArg)
            .append("):\n");
        for (Task t : queued.subList(0, Math.min(budget, queued.size()))) {
          sb.append(taskLine(t));
          shown++;
          budget--;
        }
      }
      if (shown < total
          || running.size() >= SessionStart.MAX_ITEMS
          || queued.size() >= SessionStart.MAX_ITEMS) {
        sb.append("More not shown: coordd check")
            .append(homeArg)
            .append("; coordd task list --assigned-to ")
            .append(agent)
            .append(homeArg)
            .append('\n');
      }
      return sb.toString().stripTrailing();
    }

    private static String taskLine(Task t) {
      String text =
          t.description() == null || t.description().isBlank()
              ? (t.data() == null || t.data().isNull() ? "" : Json.write(t.data()))
              : t.description();
      return "- " + t.id() + " [" + t.type() + "] " + excerpt(text) + "\n";
    }

    static String excerpt(String text) {
      if (text == null) {
        return "";
      }
      String oneLine = text.replaceAll("\\s+", " ").strip();
      return oneLine.length() <= SessionStart.MAX_TEXT
          ? oneLine
          : oneLine.substring(0, SessionStart.MAX_TEXT - 1).stripTrailing() + "…";
    }

    private static String orDash(String s) {
      return s == null || s.isBlank() ? "-" : s;
    }
  }
}
