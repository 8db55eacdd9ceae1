package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.ToolSchemas.bool;
import static dev.coordd.cli.mcp.ToolSchemas.duration;
import static dev.coordd.cli.mcp.ToolSchemas.integer;
import static dev.coordd.cli.mcp.ToolSchemas.lease;
import static dev.coordd.cli.mcp.ToolSchemas.obj;
import static dev.coordd.cli.mcp.ToolSchemas.props;
import static dev.coordd.cli.mcp.ToolSchemas.statusSchema;
import static dev.coordd.cli.mcp.ToolSchemas.str;
import static dev.coordd.cli.mcp.ToolSchemas.strs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.BatchItem;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.spec.TaskSpecReader;
import dev.coordd.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The task tools: create (one or a batch), claim, complete, fail, cancel, list and show tasks. */
final class TaskTools {
  static final int DEFAULT_LIST_LIMIT = 20;
  static final String CREATED_BY = "mcp";

  /** The longest lease a claim may ask for (the daemon's limit too). */
  static final int MAX_LEASE_SECONDS = 24 * 60 * 60;

  /** A description in a listed summary is cut to this many characters. */
  static final int SUMMARY_CHARS = 80;

  private TaskTools() {}

  static final List<ToolDef> DEFS =
      List.of(
          ToolDef.of(
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
                  duration()),
              TaskTools::create),
          ToolDef.of(
              "task_create_batch",
              "Create up to "
                  + CoordinationService.MAX_BATCH
                  + " tasks (each as task_create, no wait); a result or error per task, in order.",
              List.of("tasks"),
              props("tasks", props("type", "array", "items", obj())),
              TaskTools::createBatch),
          ToolDef.of(
              "task_claim",
              "Claim tasks for agent (its own, its role's, then unassigned of types); held while session lives.",
              List.of("agent"),
              props(
                  "agent",
                  str(),
                  "types",
                  strs(),
                  "max",
                  integer(),
                  "wait",
                  duration(),
                  "lease",
                  lease()),
              TaskTools::claim),
          ToolDef.of(
              "task_complete",
              "Complete a claimed task with an optional JSON result; token defaults to this session's claim.",
              List.of("id", "agent"),
              props("id", str(), "agent", str(), "token", str(), "result", Map.of()),
              (a, s) ->
                  ended(
                      a,
                      s.completeTask(
                          a.requiredString("id"),
                          a.requiredString("agent"),
                          a.string("token"),
                          a.json("result")))),
          ToolDef.of(
              "task_fail",
              "Fail a claimed task; it is retried while attempts remain.",
              List.of("id", "agent", "error"),
              props("id", str(), "agent", str(), "token", str(), "error", str()),
              (a, s) ->
                  ended(
                      a,
                      s.failTask(
                          a.requiredString("id"),
                          a.requiredString("agent"),
                          a.string("token"),
                          a.requiredString("error")))),
          ToolDef.of(
              "task_cancel",
              "Cancel a task that has not finished.",
              List.of("id"),
              props("id", str()),
              (a, s) -> s.cancelTask(a.requiredString("id"))),
          ToolDef.of(
              "task_list",
              "List tasks, newest first, as summaries (detail: full tasks; limit default "
                  + DEFAULT_LIST_LIMIT
                  + ").",
              List.of(),
              props(
                  "status",
                  statusSchema(),
                  "type",
                  str(),
                  "assignedTo",
                  str(),
                  "limit",
                  integer(),
                  "detail",
                  bool()),
              TaskTools::list),
          ToolDef.of(
              "task_show",
              "Show a task with its run history.",
              List.of("id"),
              props("id", str()),
              (a, s) -> s.getTask(a.requiredString("id"))));

  /** The task is read like one from any other door; only {@code wait} is the tool's own. */
  private static Object create(Args a, CoordinationService s) {
    TaskSpecReader reader = TaskSpecReader.MCP;
    NewTask request = reader.read("", a.only(reader.fields())).withCreatedBy(CREATED_BY);
    Long waitMs = a.duration("wait", CoorddTools.MAX_WAIT_SECONDS);
    Task created = s.createTask(request);
    return waitMs == null ? created : s.awaitTask(created.id(), waitMs);
  }

  /**
   * Each task is read as task_create reads it; one that does not read gets its error in its place
   * and the rest are still created, in one batch call.
   */
  private static Object createBatch(Args a, CoordinationService s) {
    JsonNode tasks = a.json("tasks");
    if (tasks != null && tasks.isTextual()) {
      tasks = parsedOrNull(tasks.asText()); // agents sometimes send the list as JSON text
    }
    if (tasks == null || !tasks.isArray()) {
      throw new InvalidRequestException(
          "tasks",
          "tasks must be a list of task objects, e.g. [{\"type\": \"review\"}, {\"type\":"
              + " \"test\"}]");
    }
    if (tasks.size() > CoordinationService.MAX_BATCH) {
      throw new InvalidRequestException(
          "tasks",
          "tasks has "
              + tasks.size()
              + " items; at most "
              + CoordinationService.MAX_BATCH
              + " per call: split them over several calls");
    }
    TaskSpecReader reader = TaskSpecReader.MCP;
    Object[] out = new Object[tasks.size()];
    List<NewTask> requests = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      JsonNode spec = tasks.get(i);
      try {
        requests.add(reader.read("tasks[" + i + "]", spec).withCreatedBy(CREATED_BY));
        positions.add(i);
      } catch (InvalidRequestException e) {
        out[i] = props("error", e.getMessage());
      }
    }
    List<BatchItem> created = requests.isEmpty() ? List.of() : s.createTasks(requests);
    for (int j = 0; j < created.size(); j++) {
      BatchItem item = created.get(j);
      out[positions.get(j)] =
          item.succeeded() ? summary(item.task()) : props("error", item.error().message());
    }
    return Arrays.asList(out);
  }

  private static JsonNode parsedOrNull(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static Object claim(Args a, CoordinationService s) {
    String agent = a.requiredString("agent");
    List<String> types = a.strings("types");
    Integer max = a.integer("max", 1, 1_000);
    Long waitMs = a.duration("wait", CoorddTools.MAX_WAIT_SECONDS);
    Long leaseMs = a.duration("lease", MAX_LEASE_SECONDS);
    // Asked before claiming: a claim makes the daemon remember the agent by name.
    Optional<Agent> known = AgentTools.find(s, agent);
    List<Task> claimed =
        s.claimTasks(agent, types, max == null ? 1 : max, waitMs == null ? 0 : waitMs, leaseMs);
    if (!claimed.isEmpty()) {
      a.session().claimed(claimed);
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
        .orElseGet(
            () ->
                "no tasks for agent '"
                    + agent
                    + "'"
                    + typesNote
                    + " — "
                    + AgentTools.unknown(agent));
  }

  /** The attempt of {@code t} ended: the session forgets its token. */
  private static Task ended(Args a, Task t) {
    a.session().ended(a.requiredString("id"));
    return t;
  }

  /**
   * A task in one line's worth of JSON: an agent scanning a list needs to know what is there and
   * whose it is, not its data and history (task_show or detail give those). Absent fields are left
   * out.
   */
  static Map<String, Object> summary(Task t) {
    Map<String, Object> out = props("id", t.id(), "type", t.type(), "status", t.status().wire());
    if (t.assignedTo() != null) {
      out.put("assignedTo", t.assignedTo());
    }
    if (t.leaseOwner() != null) {
      out.put("claimedBy", t.leaseOwner());
    }
    if (t.description() != null) {
      out.put("description", oneLine(t.description()));
    }
    return out;
  }

  private static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= SUMMARY_CHARS ? line : line.substring(0, SUMMARY_CHARS - 1) + "…";
  }

  private static Object list(Args a, CoordinationService s) {
    TaskStatus status = a.status("status");
    String type = a.string("type");
    String assignedTo = a.string("assignedTo");
    Integer limit = a.integer("limit", 1, TaskQuery.MAX_LIMIT);
    List<Task> found =
        s.listTasks(
            new TaskQuery(status, type, assignedTo, limit == null ? DEFAULT_LIST_LIMIT : limit));
    if (!found.isEmpty()) {
      return a.bool("detail") ? found : found.stream().map(TaskTools::summary).toList();
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
          AgentTools.find(s, assignedTo)
              .map(k -> " (agent '" + assignedTo + "' is " + k.status().wire() + ")")
              .orElseGet(() -> " — " + AgentTools.unknown(assignedTo));
    }
    return text;
  }
}
