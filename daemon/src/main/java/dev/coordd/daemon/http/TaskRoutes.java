package dev.coordd.daemon.http;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.TaskStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /api/tasks}: the filtered, paged list; one task with every attempt ({@code runs}); and the
 * dashboard's cancel and retry, which are the service's own {@code cancelTask} and {@code
 * retryTask} (a retry of a task that is not failed or cancelled is a 409 from the service).
 */
final class TaskRoutes {
  private final CoordinationService service;
  private final TaskPages pages;

  TaskRoutes(CoordinationService service) {
    this.service = service;
    this.pages = new TaskPages(service);
  }

  void addTo(RoutesConfig routes) {
    routes.get("/api/tasks", this::list);
    routes.get("/api/tasks/{id}", ctx -> Answers.json(ctx, service.getTask(ctx.pathParam("id"))));
    routes.post(
        "/api/tasks/{id}/cancel",
        ctx -> Answers.json(ctx, service.cancelTask(ctx.pathParam("id"))));
    routes.post(
        "/api/tasks/{id}/retry", ctx -> Answers.json(ctx, service.retryTask(ctx.pathParam("id"))));
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
