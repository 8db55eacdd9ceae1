package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.ToolResults.error;
import static dev.coordd.cli.mcp.ToolResults.invalid;
import static dev.coordd.cli.mcp.ToolResults.ok;

import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP tools of {@code coordd mcp}: a thin adapter over {@link CoordinationService}, like every
 * other door. The whole tools/list is kept small (one short sentence per tool, bare schemas)
 * because an agent pays for it in tokens on every session. The tools themselves are defined by area
 * ({@link TaskTools}, {@link InvocationTools}, {@link AgentTools}, {@link EventTools}, {@link
 * LockTools}); this class lists them and runs a call.
 *
 * <p>Every call opens the service through the connector, so a daemon started, stopped or restarted
 * between calls is simply found or not; errors (bad arguments, no daemon, coordd's own exceptions)
 * are tool results with {@code isError} set, never protocol errors.
 */
public final class CoorddTools {
  private static final Logger log = LoggerFactory.getLogger(CoorddTools.class);

  /** Longest {@code wait} a tool accepts, in seconds: MCP clients time calls out. */
  static final int MAX_WAIT_SECONDS = 300;

  /** Opens the service for one call; an {@link AutoCloseable} result is closed after it. */
  @FunctionalInterface
  public interface Connector {
    CoordinationService open();
  }

  /** In tools/list order; stats comes last, after the event and lock tools. */
  private static final List<ToolDef> DEFS =
      Stream.of(
              TaskTools.DEFS,
              InvocationTools.DEFS,
              AgentTools.DEFS,
              EventTools.DEFS,
              LockTools.DEFS,
              List.of(AgentTools.STATS))
          .flatMap(List::stream)
          .toList();

  private final Connector connector;
  private final Consumer<String> speaksAs;
  private final McpSession session;

  public CoorddTools(Connector connector) {
    this(connector, agent -> {}, McpSession.anonymous());
  }

  /**
   * {@code speaksAs} hears every agent name a successful call acted as (for {@link Presence});
   * {@code session} fills in the agent and claim tokens a call leaves out.
   */
  CoorddTools(Connector connector, Consumer<String> speaksAs, McpSession session) {
    this.connector = connector;
    this.speaksAs = speaksAs;
    this.session = session;
  }

  /** The tools as tools/list shows them. */
  public static List<McpSchema.Tool> tools() {
    return DEFS.stream().map(ToolDef::tool).toList();
  }

  /**
   * The tools as this session's tools/list shows them: with a session agent, {@code agent} is
   * optional everywhere (it defaults to the session's).
   */
  List<McpSchema.Tool> sessionTools() {
    if (session.instance() == null) {
      return tools();
    }
    return DEFS.stream().map(d -> agentOptional(d).tool()).toList();
  }

  private static ToolDef agentOptional(ToolDef d) {
    if (!(d.schema().get("required") instanceof List<?> required) || !required.contains("agent")) {
      return d;
    }
    Map<String, Object> schema = new LinkedHashMap<>(d.schema());
    List<?> rest = required.stream().filter(r -> !"agent".equals(r)).toList();
    if (rest.isEmpty()) {
      schema.remove("required");
    } else {
      schema.put("required", rest);
    }
    return new ToolDef(d.name(), d.description(), schema, d.args(), d.body());
  }

  /** The tools with their handlers, for the server. */
  public List<SyncToolSpecification> specifications() {
    List<McpSchema.Tool> tools = sessionTools();
    List<SyncToolSpecification> specs = new ArrayList<>();
    for (McpSchema.Tool tool : tools) {
      specs.add(
          SyncToolSpecification.builder()
              .tool(tool)
              .callHandler((exchange, request) -> call(request.name(), request.arguments()))
              .build());
    }
    return specs;
  }

  /** Runs one tool call; never throws. */
  public CallToolResult call(String name, Map<String, Object> arguments) {
    Optional<ToolDef> def = DEFS.stream().filter(d -> d.name().equals(name)).findFirst();
    if (def.isEmpty()) {
      return error(
          "unknown tool '"
              + name
              + "'; tools: "
              + String.join(", ", DEFS.stream().map(ToolDef::name).toList()));
    }
    LazyService service = new LazyService(connector);
    try {
      Args args = Args.of(name, arguments, def.get().args(), session);
      CallToolResult result = ok(name, def.get().body().run(args, service.proxy()));
      agentOf(name, args).ifPresent(speaksAs);
      return result;
    } catch (InvalidRequestException e) {
      return invalid(e, def.get().args());
    } catch (CoorddException e) {
      return error(e.getMessage());
    } catch (RuntimeException e) {
      log.warn("tool {} failed", name, e);
      return error("internal error in " + name + ": " + e);
    } finally {
      service.close();
    }
  }

  /**
   * The agent a call acted as: its {@code agent} argument (as the session filled it in), or the
   * registered or beating name.
   */
  private static Optional<String> agentOf(String tool, Args args) {
    boolean named = tool.equals("agent_register") || tool.equals("agent_heartbeat");
    return Optional.ofNullable(args.plainString(named ? "name" : "agent"));
  }
}
