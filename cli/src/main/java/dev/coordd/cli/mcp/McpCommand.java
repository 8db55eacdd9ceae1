package dev.coordd.cli.mcp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coordd.cli.ClientLogs;
import dev.coordd.cli.Homes;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code coordd mcp}: an MCP server on stdin/stdout for AI agent sessions (Claude Code, Codex,
 * Gemini CLI), another thin door onto the daemon's socket. It holds no state: every tool call
 * connects to the daemon of the home, so the server starts, and stays up, whether or not a daemon
 * runs; without one, tools answer with an error that says how to start it.
 *
 * <p>stdout carries the protocol and nothing else: {@code System.out} is pointed at stderr before
 * anything can print, and logging goes to stderr at WARN. The command ends when stdin ends.
 *
 * <pre>{@code claude mcp add coordd -- coordd mcp --home /path/to/project/.coordd}</pre>
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = "Serve the coordd tools to an AI agent over MCP (stdio); runs until stdin ends.")
public final class McpCommand implements Callable<Integer> {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "Home folder (default: $COORDD_HOME or ./" + DaemonConfig.DEFAULT_HOME + ").")
  Path home;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description =
          "How often the session's agents beat while it lives, renewing what they hold; keep it"
              + " under the daemon's heartbeatInterval (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--agent",
      paramLabel = "ROLE",
      description =
          "Speak as a session instance of ROLE (ROLE@<6 hex>, new per server): registered at"
              + " start, kept present while the session lives; tools may omit agent, and ROLE"
              + " itself means this instance. Tasks assigned to ROLE can be claimed by it.")
  String agent;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description =
          "The agent kind the session instance registers with (e.g. claude_code); picks the"
              + " daemon's configured lease for that kind.")
  String kind;

  /** The protocol in a few lines: an agent reads this once per session, before any tool. */
  static final String INSTRUCTIONS =
      "coordd is this project's shared task queue. Use one agent name throughout. Protocol:"
          + " task_claim → do the work → task_complete (with a result) or task_fail (with the error;"
          + " retried while attempts remain). A claim is a lease: the task stays yours while it is"
          + " renewed, and this MCP session keeps your agent present and renews it while the session"
          + " lives. When the session ends, your unfinished claims go back to the queue for others."
          + " Hand work on with task_create; message agents with event_publish (topic agent.NAME)"
          + " and read yours with event_inbox; guard shared files with lock_acquire/lock_release."
          + " Durations are written like 30s or 10m.";

  @Override
  public Integer call() throws Exception {
    OutputStream protocolOut = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
    System.setOut(System.err); // nothing but the protocol may reach stdout
    quietLogging();

    Path resolved = Homes.resolve(home);
    JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(mapper());
    // Read through a channel: closing it gets the reader out of its blocking read at once, and a
    // thread left in a native read holds the JVM's exit (halt included) for 300 ms.
    FileChannel stdin = new FileInputStream(FileDescriptor.in).getChannel();
    StdinGuard in =
        new StdinGuard(
            new BufferedInputStream(Channels.newInputStream(stdin)), protocolOut, mapper);
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(mapper, in, protocolOut);
    CoorddTools.Connector connector = () -> CoorddClient.connect(resolved);
    McpSession session = agent == null ? McpSession.anonymous() : McpSession.of(agent, kind);
    Presence presence = new Presence(connector, heartbeat, session.registration());
    Thread onSignal = signOffOnSignal(presence, stdin);
    CoorddTools tools = new CoorddTools(connector, presence::saw, session);
    McpSyncServer server =
        McpServer.sync(transport)
            .serverInfo("coordd", version())
            .instructions(instructions(session))
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .jsonMapper(mapper)
            .jsonSchemaValidator(new LenientSchemaValidator())
            .validateToolInputs(false) // Args checks them, naming the argument
            .requestTimeout(Duration.ofSeconds(CoorddTools.MAX_WAIT_SECONDS + 60))
            .tools(tools.specifications())
            .build();
    LoggerFactory.getLogger(McpCommand.class).info("coordd mcp serving {}", resolved);
    in.awaitEnd();
    dropHook(onSignal);
    presence.close(); // the session ended: its agents sign off, their claims go back at once
    server.closeGracefully();
    return 0;
  }

  /** The protocol, and who this session is when it speaks as an agent of its own. */
  static String instructions(McpSession session) {
    return session.instance() == null
        ? INSTRUCTIONS
        : INSTRUCTIONS
            + " You are agent "
            + session.instance()
            + " (role "
            + session.role()
            + "): omit agent in tools; claims include tasks assigned to "
            + session.role()
            + ", and task_complete/task_fail fill in the claim's token.";
  }

  /** How long a SIGINT/SIGTERM may spend signing the session's agents off before the exit. */
  static final Duration SIGN_OFF_ON_SIGNAL = Duration.ofMillis(60);

  /**
   * A client stops its server with SIGINT or SIGTERM and kills it soon after (Claude Code waits
   * about 100 ms): sign the agents off best-effort within {@link #SIGN_OFF_ON_SIGNAL}, then halt at
   * once with the usual 128+signal status, skipping the rest of an orderly shutdown. Whatever did
   * not make it is handed back by the reaper once the agents go stale. A shutdown hook does the
   * same for other exits; it is returned, to be dropped when the session ends normally.
   */
  private static Thread signOffOnSignal(Presence presence, FileChannel stdin) {
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable signOffBriefly =
        () -> {
          if (!stopping.compareAndSet(false, true)) {
            return;
          }
          Thread signOff =
              Thread.ofPlatform().daemon().name("coordd-mcp-sign-off").start(presence::close);
          try {
            signOff.join(SIGN_OFF_ON_SIGNAL);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    for (String name : List.of("INT", "TERM")) {
      try {
        Signal.handle(
            new Signal(name),
            signal -> {
              signOffBriefly.run();
              try {
                stdin.close(); // the reader leaves its read, so the exit does not wait for it
              } catch (IOException e) {
                // halting anyway
              }
              Runtime.getRuntime().halt(128 + signal.getNumber());
            });
      } catch (IllegalArgumentException e) {
        // the JVM reserves this signal here (e.g. -Xrs): the shutdown hook below still runs
      }
    }
    Thread hook = Thread.ofPlatform().name("coordd-mcp-exit").unstarted(signOffBriefly);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  private static void dropHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running
    }
  }

  static ObjectMapper mapper() {
    return Json.MAPPER.copy();
  }

  private static String version() {
    String v = McpCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** WARN and above, to stderr only; an appender aimed at stdout would corrupt the protocol. */
  static void quietLogging() {
    ClientLogs.threshold(org.slf4j.event.Level.WARN);
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    List<Appender<ILoggingEvent>> toStdout = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> a = it.next();
      if (a instanceof ConsoleAppender<ILoggingEvent> console
          && !"System.err".equals(console.getTarget())) {
        toStdout.add(a);
      }
    }
    toStdout.forEach(
        a -> {
          root.detachAppender(a);
          a.stop();
        });
    if (!root.iteratorForAppenders().hasNext()) {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(ctx);
      encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
      encoder.start();
      ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
      err.setContext(ctx);
      err.setName("mcp-stderr");
      err.setTarget("System.err");
      err.setEncoder(encoder);
      err.start();
      root.addAppender(err);
    }
  }
}
