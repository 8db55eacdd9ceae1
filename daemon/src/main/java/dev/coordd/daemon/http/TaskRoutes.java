package dev.coordd.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.rpc.MethodTable;
import dev.coordd.internal.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /api/tasks}: the filtered, paged list; creating one (the socket's {@code createTask}) or
 * many ({@code /api/tasks/batch}, the socket's {@code createTasks}; {@code .../batch/complete} is
 * {@code completeTasks}); one task with every attempt ({@code runs}); and the dashboard's cancel
 * and retry, which are the service's own {@code cancelTask} and {@code retryTask} (a retry of a
 * task that is not failed or cancelled is a 409 from the service).
 */
final class TaskRoutes {
  private final CoordinationService service;
  private final MethodTable methods;
  private final Bodies bodies;
  private final TaskPages pages;

  TaskRoutes(CoordinationService service, MethodTable methods, Bodies bodies) {
    this.service = service;
    this.methods = methods;
    this.bodies = bodies;
    this.pages = new TaskPages(service);
  }

  void addTo(RoutesConfig routes) {
    routes.get("/api/tasks", this::list);
    routes.post("/api/tasks", this::create);
    routes.post("/api/tasks/batch", ctx -> batch(ctx, "createTasks", "tasks"));
    routes.post("/api/tasks/batch/complete", ctx -> batch(ctx, "completeTasks", "completions"));
    routes.get("/api/tasks/{id}", ctx -> Answers.json(ctx, service.getTask(ctx.pathParam("id"))));
    routes.post(
        "/api/tasks/{id}/cancel",
        ctx -> Answers.json(ctx, service.cancelTask(ctx.pathParam("id"))));
    routes.post(
        "/api/tasks/{id}/retry", ctx -> Answers.json(ctx, service.retryTask(ctx.pathParam("id"))));
  }

  /**
   * The body is a task as {@code createTask} takes it ({@code {"type": "build", ...}}), bound by
   * the method table like a socket request, so the checks and their messages are the same. 201.
   */
  private void create(Context ctx) {
    ObjectNode params = Json.MAPPER.createObjectNode();
    params.set("task", bodies.json(ctx));
    Answers.json(ctx.status(201), methods.invoke("createTask", params));
  }

  /**
   * The body is a JSON array of the items (tasks as {@code createTask} takes them, or completions
   * {@code {"id", "agent", "token", "result"}}), at most {@link CoordinationService#MAX_BATCH}. The
   * answer is 200 with one entry per item, in order: {@code {"task": …}} or {@code {"error": …}};
   * only a body that is no such array is refused whole.
   */
  private void batch(Context ctx, String method, String param) {
    JsonNode body = bodies.json(ctx);
    if (body == null || !body.isArray()) {
      throw new InvalidRequestException(
          "body",
          "the body must be a JSON array of up to "
              + CoordinationService.MAX_BATCH
              + " items, e.g. [{\"type\": \"build\"}, {\"type\": \"test\"}]");
    }
    ObjectNode params = Json.MAPPER.createObjectNode();
    params.set(param, body);
    Answers.json(ctx, methods.invoke(method, params));
  }

  private void list(Context ctx) {
    Query q = Query.of(ctx, "status", "type", "assignedTo");
    String status = q.text("status");
    Answers.json(
        ctx,
        pages.page(
            status == null ? null : TaskStatus.parse(status),
            q.text("type"),
            q.text("assignedTo"),
            q.cursor(TaskPages.KIND),
            q.limit()));
  }
}
