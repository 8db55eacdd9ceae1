package dev.coordd.cli.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.EventInbox;
import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.spec.TaskSpecReader;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP tools of {@code coordd mcp}: a thin adapter over {@link CoordinationService}, like every
 * other door. The whole tools/list is kept small (one short sentence per tool, bare schemas)
 * because an agent pays for it in tokens on every session.
 *
 * <p>Every call opens the service through the connector, so a daemon started, stopped or restarted
 * between calls is simply found or not; errors (bad arguments, no daemon, coordd's own exceptions)
 * are tool results with {@code isError} set, never protocol errors.
 */
public final class CoorddTools {
  private static final Logger log = LoggerFactory.getLogger(CoorddTools.class);

  /** Longest {@code wait} a tool accepts, in seconds: MCP clients time calls out. */
  static final int MAX_WAIT_SECONDS = 300;

  static final int DEFAULT_LIST_LIMIT = 20;
  static final String CREATED_BY = "mcp";

  /** Opens the service for one call; an {@link AutoCloseable} result is closed after it. */
  @FunctionalInterface
  public interface Connector {
    CoordinationService open();
  }

  private interface Body {
    Object run(Args args, CoordinationService service);
  }

  static final int MAX_LOCK_SECONDS = 7 * 24 * 3600;
  static final long DEFAULT_LOCK_MS = 5 * 60_000;

  private record Def(
      String name, String description, Map<String, Object> schema, Set<String> args, Body body) {}

  private static final List<Def> DEFS =
      List.of(
          def(
              "task_create",
              "Create a task (a type no handler runs needs assignedTo); with wait,"
                  + " return it finished.",
              List.of("type"),
              props(
                  "type",
                  str(),
                  "description",
                  str(),
                  "data",
                  obj(),
                  "assignedTo",
                  str(),
                  "priority",
                  integer(),
                  "dependsOn",
                  strs(),
                  "wait",
                  seconds()),
              CoorddTools::createTask),
          def(
              "task_claim",
              "Claim tasks for agent: those assigned to it, and unassigned ones of"
                  + " types (any if none).",
              List.of("agent"),
              props("agent", str(), "types", strs(), "max", integer(), "wait", seconds()),
              CoorddTools::claimTasks),
          def(
              "task_complete",
              "Complete a task the agent claimed, with an optional JSON result.",
              List.of("id", "agent"),
              props("id", str(), "agent", str(), "result", Map.of()),
              (a, s) ->
                  s.completeTask(
                      a.requiredString("id"), a.requiredString("agent"), a.json("result"))),
          def(
              "task_fail",
              "Fail a claimed task; it is retried while attempts remain.",
              List.of("id", "agent", "error"),
              props("id", str(), "agent", str(), "error", str()),
              (a, s) ->
                  s.failTask(
                      a.requiredString("id"),
                      a.requiredString("agent"),
                      a.requiredString("error"))),
          def(
              "task_list",
              "List tasks, newest first (limit default " + DEFAULT_LIST_LIMIT + ").",
              List.of(),
              props(
                  "status", statusSchema(), "type", str(), "assignedTo", str(), "limit", integer()),
              CoorddTools::listTasks),
          def(
              "task_show",
              "Show a task with its run history.",
              List.of("id"),
              props("id", str()),
              (a, s) -> s.getTask(a.requiredString("id"))),
          def(
              "invocation_list",
              "List invocations waiting for an AI agent session (commands cut).",
              List.of(),
              props("max", integer()),
              CoorddTools::listInvocations),
          def(
              "invocation_process",
              "Take a pending invocation for agent; returns it in full.",
              List.of("id", "agent"),
              props("id", str(), "agent", str()),
              (a, s) -> s.processInvocation(a.requiredString("id"), a.requiredString("agent"))),
          def(
              "invocation_complete",
              "Finish an invocation with its result; its task succeeds.",
              List.of("id"),
              props("id", str(), "result", Map.of()),
              (a, s) -> s.completeInvocation(a.requiredString("id"), a.json("result"))),
          def(
              "agent_register",
              "Register an agent by name, or refresh it.",
              List.of("name"),
              props("name", str(), "kind", str(), "capabilities", strs()),
              (a, s) ->
                  s.registerAgent(
                      new AgentRegistration(
                          a.requiredString("name"),
                          a.string("kind"),
                          a.strings("capabilities"),
                          null))),
          def(
              "agent_heartbeat",
              "Record a heartbeat; renews the agent's task leases.",
              List.of("name"),
              props("name", str()),
              (a, s) -> s.heartbeat(a.requiredString("name"))),
          def(
              "event_publish",
              "Publish an event; agent.NAME topics are direct messages.",
              List.of("topic"),
              props("topic", str(), "data", obj(), "source", str()),
              (a, s) -> s.publish(a.requiredString("topic"), a.object("data"), a.string("source"))),
          def(
              "event_inbox",
              "Events the agent has not acknowledged; ack marks them read.",
              List.of("agent"),
              props("agent", str(), "max", integer(), "wait", seconds(), "ack", bool()),
              CoorddTools::inbox),
          def(
              "lock_acquire",
              "Lease a resource (path, glob, name) for agent; fails naming the holder.",
              List.of("resource", "agent"),
              props(
                  "resource",
                  str(),
                  "agent",
                  str(),
                  "ttl",
                  Map.of("type", "number", "description", "seconds, default 300"),
                  "shared",
                  bool(),
                  "wait",
                  seconds()),
              (a, s) ->
                  s.acquireLock(
                      a.requiredString("resource"),
                      a.requiredString("agent"),
                      orElse(a.seconds("ttl", MAX_LOCK_SECONDS), DEFAULT_LOCK_MS),
                      a.bool("shared"),
                      orElse(a.seconds("wait", MAX_WAIT_SECONDS), 0L))),
          def(
              "lock_release",
              "Release a resource lease the agent holds.",
              List.of("resource", "agent"),
              props("resource", str(), "agent", str()),
              (a, s) -> {
                s.releaseLock(a.requiredString("resource"), a.requiredString("agent"));
                return "released " + a.requiredString("resource");
              }),
          def("stats", "Daemon, agent and task counts.", List.of(), props(), (a, s) -> s.stats()));

  private final Connector connector;

  public CoorddTools(Connector connector) {
    this.connector = connector;
  }

  /** The tools as tools/list shows them. */
  public static List<McpSchema.Tool> tools() {
    return DEFS.stream()
        .map(
            d ->
                McpSchema.Tool.builder()
                    .name(d.name())
                    .description(d.description())
                    .inputSchema(d.schema())
                    .build())
        .toList();
  }

  /** The tools with their handlers, for the server. */
  public List<SyncToolSpecification> specifications() {
    List<McpSchema.Tool> tools = tools();
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
    Optional<Def> def = DEFS.stream().filter(d -> d.name().equals(name)).findFirst();
    if (def.isEmpty()) {
      return error(
          "unknown tool '"
              + name
              + "'; tools: "
              + String.join(", ", DEFS.stream().map(Def::name).toList()));
    }
    LazyService service = new LazyService(connector);
    try {
      Args args = Args.of(name, arguments, def.get().args());
      return ok(def.get().body().run(args, service.proxy()));
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
   * Connects on the first operation a tool body calls, so that bad arguments, which the body checks
   * before it calls anything, are reported as such even when no daemon runs.
   */
  private static final class LazyService implements InvocationHandler {
    private final Connector connector;
    private CoordinationService open;

    LazyService(Connector connector) {
      this.connector = connector;
    }

    CoordinationService proxy() {
      return (CoordinationService)
          Proxy.newProxyInstance(
              CoordinationService.class.getClassLoader(),
              new Class<?>[] {CoordinationService.class},
              this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return method.invoke(this, args);
      }
      if (open == null) {
        open = connector.open();
      }
      try {
        return method.invoke(open, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    void close() {
      if (open instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.debug("closing the daemon connection failed", e);
        }
      }
    }
  }

  // --- tool bodies that do more than one call ---

  /** The task is read like one from any other door; only {@code wait} is the tool's own. */
  private static Object createTask(Args a, CoordinationService s) {
    TaskSpecReader reader = TaskSpecReader.MCP;
    NewTask request = reader.read("", a.only(reader.fields())).withCreatedBy(CREATED_BY);
    Long waitMs = a.seconds("wait", MAX_WAIT_SECONDS);
    Task created = s.createTask(request);
    return waitMs == null ? created : s.awaitTask(created.id(), waitMs);
  }

  private static long orElse(Long value, long fallback) {
    return value == null ? fallback : value;
  }

  static final int LISTED_COMMAND_CHARS = 300;

  /** Oldest first, each command cut short: invocation_process returns one in full. */
  private static Object listInvocations(Args a, CoordinationService s) {
    Integer max = a.integer("max", 1, 1_000);
    List<Invocation> pending = s.listInvocations();
    if (pending.isEmpty()) {
      return "no pending invocations";
    }
    List<Map<String, Object>> shown = new ArrayList<>();
    for (Invocation i : pending.subList(0, Math.min(pending.size(), max == null ? 20 : max))) {
      String command =
          i.command().length() <= LISTED_COMMAND_CHARS
              ? i.command()
              : i.command().substring(0, LISTED_COMMAND_CHARS)
                  + "… ("
                  + i.command().length()
                  + " chars; invocation_process shows all)";
      shown.add(
          Map.of(
              "id",
              i.id(),
              "taskId",
              i.taskId(),
              "agentType",
              i.agentType(),
              "createdAt",
              i.createdAt(),
              "command",
              command));
    }
    return pending.size() > shown.size()
        ? Map.of("invocations", shown, "more", pending.size() - shown.size())
        : shown;
  }

  private static Object inbox(Args a, CoordinationService s) {
    String agent = a.requiredString("agent");
    Integer max = a.integer("max", 1, 1_000);
    Long waitMs = a.seconds("wait", MAX_WAIT_SECONDS);
    boolean ack = a.bool("ack");
    EventInbox inbox = s.inbox(agent, max == null ? 50 : max, waitMs == null ? 0 : waitMs);
    if (!inbox.known()) {
      return "no events for agent '" + agent + "' — " + unknown(agent);
    }
    if (inbox.events().isEmpty()) {
      return "no unacknowledged events for agent '"
          + agent
          + "' (subscribed to "
          + inbox.patterns()
          + ")";
    }
    if (ack) {
      s.ackEvents(agent, inbox.events().get(inbox.events().size() - 1).seq());
    }
    return inbox;
  }

  private static Object claimTasks(Args a, CoordinationService s) {
    String agent = a.requiredString("agent");
    List<String> types = a.strings("types");
    Integer max = a.integer("max", 1, 1_000);
    Long waitMs = a.seconds("wait", MAX_WAIT_SECONDS);
    // Asked before claiming: a claim makes the daemon remember the agent by name.
    Optional<Agent> known = agent(s, agent);
    List<Task> claimed =
        s.claimTasks(agent, types, max == null ? 1 : max, waitMs == null ? 0 : waitMs);
    if (!claimed.isEmpty()) {
      return claimed;
    }
    String typesNote = types.isEmpty() ? "" : " of types " + String.join(", ", types);
    return known
        .map(
            k ->
                "no tasks queued for agent '"
                    + agent
                    + "'"
                    + typesNote
                    + " ("
                    + k.status().wire()
                    + ")")
        .orElseGet(() -> "no tasks for agent '" + agent + "'" + typesNote + " — " + unknown(agent));
  }

  private static Object listTasks(Args a, CoordinationService s) {
    TaskStatus status = a.status("status");
    String type = a.string("type");
    String assignedTo = a.string("assignedTo");
    Integer limit = a.integer("limit", 1, TaskQuery.MAX_LIMIT);
    List<Task> found =
        s.listTasks(
            new TaskQuery(status, type, assignedTo, limit == null ? DEFAULT_LIST_LIMIT : limit));
    if (!found.isEmpty()) {
      return found;
    }
    List<String> filters = new ArrayList<>();
    if (status != null) {
      filters.add("status " + status.wire());
    }
    if (type != null) {
      filters.add("type " + type);
    }
    if (assignedTo != null) {
      filters.add("assignedTo " + assignedTo);
    }
    String text = filters.isEmpty() ? "no tasks" : "no tasks with " + String.join(", ", filters);
    if (assignedTo != null) {
      text +=
          agent(s, assignedTo)
              .map(k -> " (agent '" + assignedTo + "' is " + k.status().wire() + ")")
              .orElseGet(() -> " — " + unknown(assignedTo));
    }
    return text;
  }

  private static Optional<Agent> agent(CoordinationService s, String name) {
    return s.listAgents().stream().filter(x -> x.name().equals(name)).findFirst();
  }

  private static String unknown(String agent) {
    return "note: no agent named '" + agent + "' is registered (register with agent_register)";
  }

  // --- results ---

  private static CallToolResult ok(Object value) {
    String text =
        value instanceof String s ? s : Json.write(compact(Json.MAPPER.valueToTree(value)));
    return CallToolResult.builder().addTextContent(text).isError(false).build();
  }

  static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }

  /**
   * Drops the null fields and empty run lists of coordd's own objects (tasks, agents, invocations),
   * one level deep: they cost tokens and say nothing. Data and results are left exactly as they
   * are.
   */
  static JsonNode compact(JsonNode node) {
    if (node instanceof ArrayNode array) {
      array.forEach(CoorddTools::compact);
    } else if (node instanceof ObjectNode object) {
      object
          .properties()
          .removeIf(
              e ->
                  e.getValue().isNull()
                      || (e.getKey().equals("runs")
                          && e.getValue().isArray()
                          && e.getValue().isEmpty()));
    }
    return node;
  }

  // --- schemas, as small as they can be ---

  private static Def def(
      String name,
      String description,
      List<String> required,
      Map<String, Object> props,
      Body body) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", props);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    return new Def(name, description, schema, new LinkedHashSet<>(props.keySet()), body);
  }

  private static Map<String, Object> props(Object... namesAndSchemas) {
    Map<String, Object> props = new LinkedHashMap<>();
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      props.put((String) namesAndSchemas[i], namesAndSchemas[i + 1]);
    }
    return props;
  }

  private static Map<String, Object> str() {
    return Map.of("type", "string");
  }

  private static Map<String, Object> integer() {
    return Map.of("type", "integer");
  }

  private static Map<String, Object> bool() {
    return Map.of("type", "boolean");
  }

  private static Map<String, Object> obj() {
    return Map.of("type", "object");
  }

  private static Map<String, Object> strs() {
    return Map.of("type", "array", "items", str());
  }

  private static Map<String, Object> seconds() {
    return Map.of("type", "number", "description", "seconds, max " + MAX_WAIT_SECONDS);
  }

  private static Map<String, Object> statusSchema() {
    return Map.of("enum", Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).toList());
  }
}
