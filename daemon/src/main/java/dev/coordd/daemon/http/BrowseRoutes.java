package dev.coordd.daemon.http;

import dev.coordd.api.Agent;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Invocation;
import dev.coordd.api.QueueState;
import dev.coordd.api.Schedule;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lists people browse besides tasks, each a page in a stable order (agents, schedules by name;
 * invocations by id; locks by resource and holder; queues by type), and the queue actions of the
 * dashboard. The service hands these lists over whole; they are small by nature (one row per agent,
 * lock, schedule or task type), so paging them here costs nothing the service did not already do.
 */
final class BrowseRoutes {
  private final CoordinationService service;

  BrowseRoutes(CoordinationService service) {
    this.service = service;
  }

  void addTo(RoutesConfig routes) {
    routes.get("/api/agents", ctx -> page(ctx, "agents", service::listAgents, Agent::name));
    routes.get(
        "/api/invocations",
        ctx -> page(ctx, "invocations", service::listInvocations, Invocation::id));
    routes.get(
        "/api/locks",
        ctx -> page(ctx, "locks", service::listLocks, l -> l.resource() + "\n" + l.holder()));
    routes.get(
        "/api/schedules", ctx -> page(ctx, "schedules", service::listSchedules, Schedule::name));
    routes.get("/api/queues", ctx -> page(ctx, "queues", service::listQueues, QueueState::type));
    routes.get(
        "/api/stats",
        ctx -> {
          Query.of(ctx);
          Answers.json(ctx, service.stats());
        });
    routes.post(
        "/api/queues/{type}/pause",
        ctx -> Answers.json(ctx, service.pauseQueue(ctx.pathParam("type"))));
    routes.post(
        "/api/queues/{type}/resume",
        ctx -> Answers.json(ctx, service.resumeQueue(ctx.pathParam("type"))));
  }

  private static <T> void page(
      Context ctx, String kind, Supplier<List<T>> all, Function<T, String> key) {
    Query q = Query.of(ctx);
    Answers.json(ctx, Page.ofWhole(all.get(), key, kind, q.cursor(kind), q.limit()));
  }
}
