package dev.coordd.cli.hooks;

import dev.coordd.cli.Common;
import dev.coordd.cli.PlainArgs;
import dev.coordd.cli.Shell;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code SessionStart} hook of Claude Code, Codex and Gemini CLI (one input and output format):
 * reads the {@link HookInput}, checks the session in with the daemon ({@link SessionCheckIn}), and
 * prints what waits for it ({@link ReportText}) as {@link HookOutput}. Every failure still ends in
 * hook output and exit 0.
 */
@Command(
    name = "session-start",
    mixinStandardHelpOptions = true,
    description = {
      "SessionStart hook of Claude Code, Codex and Gemini CLI: registers this session as an"
          + " agent and prints, as hook JSON on stdout, what waits for it (its tasks and its"
          + " role's, invocations, unread events, locks) and the commands to act.",
      "Reads the hook input JSON on stdin; the output is always JSON (--json changes"
          + " nothing). Always exits 0.",
      "Home: --home, else $COORDD_HOME, else <cwd of the hook input>/.coordd, else ./.coordd."
    })
final class SessionStartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** {@code --home} as every command takes it; the default also looks at the input's cwd. */
  @Mixin Common common;

  @Option(
      names = "--agent",
      paramLabel = "ROLE",
      description =
          "The role this session is an instance of: the agent is ROLE@<first 8 characters of the"
              + " session id> (default: $COORDD_AGENT as it is, else <kind>-<those 8 characters>,"
              + " e.g. claude-1a2b3c4d).")
  String agent;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      defaultValue = "claude_code",
      description =
          "Agent kind to register: claude_code, codex, gemini… (default: ${DEFAULT-VALUE}).")
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

  /** Where failures are told; picocli's stderr unless {@link #run(PrintWriter, PrintWriter)}. */
  private PrintWriter err;

  /** The hook from its plain options without picocli (cli FastPath), or -1 if they are not. */
  static int plain(String[] args, int from, PrintWriter out, PrintWriter err) {
    PlainArgs options =
        PlainArgs.parse(
            args,
            from,
            Set.of("--json"),
            Set.of("--home", "--agent", "--kind", "--input", "--timeout"),
            Set.of("--capability"));
    if (options == null || !PlainArgs.isPath(options.value("--home"))) {
      return -1;
    }
    SessionStartCommand hook = new SessionStartCommand();
    try {
      hook.timeout = Durations.parse(Objects.requireNonNullElse(options.value("--timeout"), "10s"));
    } catch (RuntimeException e) {
      return -1; // picocli words the conversion error
    }
    hook.common = options.common();
    hook.agent = options.value("--agent");
    hook.kind = Objects.requireNonNullElse(options.value("--kind"), "claude_code");
    hook.capabilities = new ArrayList<>(options.values("--capability"));
    hook.input = Objects.requireNonNullElse(options.value("--input"), "-");
    return hook.run(out, err);
  }

  @Override
  public Integer call() {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  private int run(PrintWriter out, PrintWriter errors) {
    this.err = errors;
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
    out.println(HookOutput.sessionStart(context));
    out.flush();
    err().flush();
    return 0;
  }

  private PrintWriter err() {
    return err;
  }

  private String run() {
    HookInput in;
    try {
      in = HookInput.parse(HookInput.read(input, timeout));
    } catch (IllegalArgumentException e) {
      err().println("coordd: " + e.getMessage());
      return "coordd could not read the hook input ("
          + e.getMessage()
          + "), so it did not"
          + " register this session. Run `coordd check` to see pending work.";
    }
    Path home = resolveHome(in);
    String name = agentName(in);
    Report report = new SessionCheckIn(home, name, kind, capabilities, timeout, err()).gather(in);
    return new ReportText(
            name, HookSession.roleOf(name), kind, commandHome(home, in), System.currentTimeMillis())
        .render(report);
  }

  Path resolveHome(HookInput in) {
    return HookSession.home(common == null ? null : common.home, in);
  }

  /** The {@code --home} to put in suggested commands: none when the default finds it. */
  private static String commandHome(Path home, HookInput in) {
    Path base = in.cwd() != null ? Path.of(in.cwd()) : Path.of("");
    Path implied = base.resolve(DaemonConfig.DEFAULT_HOME).toAbsolutePath().normalize();
    String env = System.getenv("COORDD_HOME");
    boolean envMatches =
        env != null && !env.isBlank() && Path.of(env).toAbsolutePath().normalize().equals(home);
    return implied.equals(home) || envMatches ? "" : " --home " + Shell.quote(home.toString());
  }

  String agentName(HookInput in) {
    return HookSession.agent(agent, kind, in);
  }

  static String defaultName(String sessionId) {
    return HookSession.defaultName(sessionId);
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
